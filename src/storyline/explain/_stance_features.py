"""Features of a (headline, body) pair for stance classification.

Three families, each cheap and model-free: how related the two texts are
(TF-IDF and embedding cosines, against the whole body and against the body
sentences that best match the headline, word and bigram overlap), what the
body's best-matching sentences say about the claim (refuting, hedging and
confirming cue words, negations), and the headline's own cues (a question
mark, "reportedly"). Bodies are split and embedded once, however many
headlines point at them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .text import content_stems, split_sentences

MAX_BODY_SENTENCES = 60
TOP_K = 3

_CUES: dict[str, re.Pattern[str]] = {
    "refute": re.compile(
        r"\b(hoax\w*|fake\w*|fraud\w*|false\w*|den(y|ies|ied|ial|ying)|debunk\w*|prank\w*|fabricat\w*"
        r"|untrue|bogus|refut\w*|retract\w*|mislead\w*|misled|satir\w*|baseless|unfounded|dismiss\w*"
        r"|reject\w*|myth|spoof\w*|doctored|photoshop\w*|not true|no evidence|never happened|nonsense"
        r"|rubbish|incorrect|wrong|erroneous|dupe\w*|scam\w*|parody|joke)\b"
    ),
    "hedge": re.compile(
        r"\b(reportedly|allegedly|alleged|claim\w*|according to|might|may|could|possibl\w*|apparent\w*"
        r"|unconfirmed|rumou?r\w*|speculat\w*|unverified|purported\w*|suggest\w*|believed|appear\w*"
        r"|seem\w*|unclear|if true|not clear|report\w*|said to)\b"
    ),
    "support": re.compile(
        r"\b(confirm\w*|announc\w*|officially|verified|reveal\w*|indeed|proof|proved|proven"
        r"|evidence|statement|admit\w*|acknowledg\w*)\b"
    ),
    "negation": re.compile(r"\b(not|no|never|none|nothing|neither|nor|without)\b|n't\b"),
}


def cue_counts(text: str) -> np.ndarray:
    """How often each cue family occurs in ``text`` (order of ``_CUES``)."""
    low = text.lower()
    return np.array([len(p.findall(low)) for p in _CUES.values()], dtype=np.float32)


FEATURE_NAMES: tuple[str, ...] = (
    "tfidf_body",
    "tfidf_sent_max",
    "tfidf_sent_top",
    "emb_sent_max",
    "emb_sent_top",
    "emb_sent_mean",
    "emb_lead",
    "emb_centroid",
    "overlap_headline",
    "overlap_jaccard",
    "overlap_lead",
    "bigram_overlap",
    "best_position",
    "log_sentences",
    "headline_question",
    *(f"headline_{c}" for c in _CUES),
    *(f"top_{c}" for c in _CUES),
    *(f"lead_{c}" for c in _CUES),
    *(f"body_{c}" for c in _CUES),
    *(f"sim_{c}" for c in _CUES),
)


@dataclass
class _Body:
    sentences: list[str]
    stems: set[str]
    lead_stems: set[str]
    bigrams: set[tuple[str, str]]
    sent_cues: np.ndarray  # (n_sentences, n_cues)
    lead_cues: np.ndarray
    body_cues: np.ndarray


def _bigrams(stems: Sequence[str]) -> set[tuple[str, str]]:
    return set(zip(stems, stems[1:]))


def _prepare_body(text: str) -> _Body:
    sents = split_sentences(text, MAX_BODY_SENTENCES) or [text.strip() or "."]
    stems = content_stems(text)
    lead = " ".join(sents[:2])
    sent_cues = np.stack([cue_counts(s) for s in sents])
    return _Body(
        sentences=sents,
        stems=set(stems),
        lead_stems=set(content_stems(lead)),
        bigrams=_bigrams(stems),
        sent_cues=sent_cues,
        lead_cues=sent_cues[:3].sum(0),
        body_cues=sent_cues.sum(0) / len(sents),
    )


def _top_mean(values: np.ndarray, k: int = TOP_K) -> float:
    if values.size <= k:
        return float(values.mean())
    return float(np.partition(values, -k)[-k:].mean())


def pair_features(
    headlines: Sequence[str],
    bodies: Sequence[str],
    vectorizer,
    embed: Callable[[list[str]], np.ndarray],
) -> np.ndarray:
    """Feature matrix ``(len(headlines), len(FEATURE_NAMES))`` for aligned pairs.

    ``vectorizer`` is a fitted scikit-learn TF-IDF vectorizer; ``embed`` maps
    texts to L2-normalised vectors (``storyline.embed.embed``).
    """
    from sklearn.preprocessing import normalize

    uniq_bodies = list(dict.fromkeys(bodies))
    uniq_heads = list(dict.fromkeys(headlines))
    prepared = {b: _prepare_body(b) for b in uniq_bodies}

    all_sents = list(dict.fromkeys(s for b in uniq_bodies for s in prepared[b].sentences))
    sent_row = {s: i for i, s in enumerate(all_sents)}
    head_row = {h: i for i, h in enumerate(uniq_heads)}
    body_row = {b: i for i, b in enumerate(uniq_bodies)}

    vectors = embed(uniq_heads + all_sents)
    head_emb, sent_emb = vectors[: len(uniq_heads)], vectors[len(uniq_heads) :]
    head_tf = normalize(vectorizer.transform(uniq_heads))
    sent_tf = normalize(vectorizer.transform(all_sents))
    body_tf = normalize(vectorizer.transform(uniq_bodies))

    body_sent_idx = {b: np.array([sent_row[s] for s in prepared[b].sentences]) for b in uniq_bodies}
    head_info = {h: (set(st := content_stems(h)), _bigrams(st), cue_counts(h)) for h in uniq_heads}
    pairs_of_body: dict[str, list[int]] = {}
    for i, b in enumerate(bodies):
        pairs_of_body.setdefault(b, []).append(i)

    rows = np.zeros((len(headlines), len(FEATURE_NAMES)), dtype=np.float32)
    for b, pair_idx in pairs_of_body.items():
        body, idx = prepared[b], body_sent_idx[b]
        heads = [head_row[headlines[i]] for i in pair_idx]
        centroid = sent_emb[idx].mean(0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
        # (sentences x headlines) similarity blocks for this body
        e_block = sent_emb[idx] @ head_emb[heads].T
        t_block = (sent_tf[idx] @ head_tf[heads].T).toarray()
        whole = (body_tf[body_row[b]] @ head_tf[heads].T).toarray().ravel()
        cent = head_emb[heads] @ centroid
        for col, i in enumerate(pair_idx):
            rows[i] = _pair_row(headlines[i], body, head_info[headlines[i]], e_block[:, col], t_block[:, col],
                                float(whole[col]), float(cent[col]))
    return rows


def _pair_row(headline: str, body: _Body, head_info, e_sims: np.ndarray, t_sims: np.ndarray,
              whole_tfidf: float, centroid_sim: float) -> np.ndarray:
    """One feature row (order of :data:`FEATURE_NAMES`) from precomputed similarities."""
    h_stems, h_bigrams, h_cues = head_info
    n = len(e_sims)
    top = np.argsort(-(e_sims + t_sims))[: min(TOP_K, n)]
    n_h = max(len(h_stems), 1)
    return np.concatenate(
        [
            [
                whole_tfidf,
                float(t_sims.max()),
                _top_mean(t_sims),
                float(e_sims.max()),
                _top_mean(e_sims),
                float(e_sims.mean()),
                float(e_sims[0]),
                centroid_sim,
                len(h_stems & body.stems) / n_h,
                len(h_stems & body.stems) / max(len(h_stems | body.stems), 1),
                len(h_stems & body.lead_stems) / n_h,
                len(h_bigrams & body.bigrams) / max(len(h_bigrams), 1),
                float(top[0]) / n,
                float(np.log1p(n)),
                float("?" in headline),
            ],
            np.minimum(h_cues, 1.0),
            body.sent_cues[top].sum(0),
            body.lead_cues,
            body.body_cues,
            _cue_similarity(body.sent_cues, e_sims),
        ]
    )


def _cue_similarity(sent_cues: np.ndarray, e_sims: np.ndarray) -> np.ndarray:
    """For each cue family, the highest headline similarity of a sentence carrying it (0 if none).

    A denial close to the claim ("X denied reports that <claim>") says more
    than the same word in an unrelated paragraph.
    """
    has = sent_cues > 0
    sims = np.where(has, np.maximum(e_sims, 0.0)[:, None], 0.0)
    return sims.max(0)


def new_vectorizer():
    """An unfitted TF-IDF vectorizer over stemmed content words."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer=content_stems, sublinear_tf=True, min_df=2, max_features=40_000)
