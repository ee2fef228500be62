"""Story clustering benchmarks: ECB+ events and Timeline17 threads, with two peers.

Corpora (both read from the shared data folder):

* **ECB+** (``clustering/ecbplus/ECB+/<topic>/<T>_<N>ecb[plus].xml``): each topic
  holds two similar but distinct events; ``*ecb.xml`` files report subtopic 1 and
  ``*ecbplus.xml`` files subtopic 2. Gold event = ``<topic>/<subtopic>``. The
  files carry no dates, so the stream order is fixed as: topics in numeric order,
  then files by (document number, ``ecb`` before ``ecbplus``). This interleaves
  the two subtopics of a topic, the hard case for an online clusterer.
  Scored at the EVENT level.
* **Timeline17** (``timelines/t17/<collection>/articles.jsonl``): 10 collections
  from 4 stories. Gold thread = the story (the collection name before ``_``:
  bpoil, EgyptianProtest, H1N1, haiti). All collections are mixed into one
  stream in date order (stable: ties keep collection-name then file order). All
  2,435 articles are used. Scored at the THREAD level.
* **MEANTIME demo** (``examples/wikinews-meantime.jsonl`` in the repository): 120
  Wikinews articles on 4 topics (airbus, apple, gm, stock), gold = the ``topic``
  field, linked in date order. Scored at the THREAD level.

Metrics: B-cubed precision/recall/F1 (Bagga & Baldwin 1998, averaged over items)
and V-measure (scikit-learn).

Methods, all on the same MiniLM embeddings of ``title. lead``:

* ``storyline``: :class:`storyline.link.Linker` with its default settings, online.
* ``hdbscan``: HDBSCAN (BERTopic's default clusterer) on the same embeddings,
  without UMAP (not available here): PCA to 5 dimensions stands in for UMAP's
  reduction, then ``sklearn.cluster.HDBSCAN(min_cluster_size=10)`` (BERTopic's default
  ``min_topic_size``); each noise
  point becomes its own cluster (BERTopic's outlier topic ``-1`` would otherwise be
  one giant cluster). Batch, so it sees the whole corpus at once.
* ``tfidf-single-pass``: classic topic-detection single-pass clustering on TF-IDF
  vectors (sublinear tf, English stop words, IDF fitted once on the whole corpus); each document joins the most similar cluster
  centroid if cosine ≥ :data:`TFIDF_THRESHOLD`, else starts a new cluster.
"""

from __future__ import annotations

from functools import partial

import hashlib
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from storyline.errors import InputError

if TYPE_CHECKING:
    from storyline.link import LinkConfig
    from storyline.model import Analysis
from storyline.ingest.jsonl import json_rows

#: Cosine threshold of the TF-IDF single-pass peer (fixed, not tuned per corpus).
TFIDF_THRESHOLD = 0.3
#: HDBSCAN's smallest cluster in the BERTopic-like peer (BERTopic's default ``min_topic_size``).
HDBSCAN_MIN_CLUSTER = 10
#: Collections of Timeline17 whose name prefix is the story.
T17_STORY = re.compile(r"^([^_]+)_")


@dataclass
class Doc:
    """One benchmark document with its gold cluster label."""

    id: str
    title: str
    text: str
    published: str | None
    gold: str
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


# -- corpora ------------------------------------------------------------------------------------
_URLISH = re.compile(r"https?\s*:|www\s*\.|\b(?:updated|posted)\b|^\s*\w+\s+\d", re.IGNORECASE)
_ECB_NAME = re.compile(r"^(\d+)_(\d+)(ecb|ecbplus)\.xml$")


def _ecb_text(path: Path) -> tuple[str, str]:
    """(title, full text) of an ECB+ XML file, tokens joined by spaces.

    ECB+ ``ecbplus`` files start with the page URL and a dateline; the title is the
    first sentence of at least five tokens that is not a URL.
    """
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise InputError(str(path), f"not valid XML ({exc})") from exc
    sentences: dict[int, list[str]] = {}
    for tok in root.iter("token"):
        sentences.setdefault(int(tok.get("sentence", "0")), []).append(tok.text or "")
    lines = [" ".join(words) for _, words in sorted(sentences.items())]
    if not lines:
        return "", ""
    title = next((ln for ln in lines if len(ln.split()) >= 5 and not _URLISH.search(ln)), lines[0])
    return title, "\n".join(lines)


def load_ecbplus(data: Path) -> list[Doc]:
    """ECB+ documents in the documented stream order, gold = topic/subtopic."""
    root = data / "clustering" / "ecbplus" / "ECB+"
    if not root.is_dir():
        raise InputError(str(root), "ECB+ folder not found")
    items: list[tuple[tuple[int, int, int], Path, str]] = []
    for path in root.glob("*/*.xml"):
        m = _ECB_NAME.match(path.name)
        if not m:
            continue
        topic, num, kind = int(m.group(1)), int(m.group(2)), m.group(3)
        items.append(((topic, num, kind == "ecbplus"), path, f"{topic}/{1 + (kind == 'ecbplus')}"))
    items.sort(key=lambda x: x[0])
    docs = []
    for _, path, gold in items:
        title, text = _ecb_text(path)
        docs.append(Doc(id=path.stem, title=title, text=text, published=None, gold=gold))
    return docs


def load_timeline17(data: Path) -> list[Doc]:
    """All Timeline17 articles, mixed into one stream in date order, gold = story."""
    root = data / "timelines" / "t17"
    if not root.is_dir():
        raise InputError(str(root), "Timeline17 folder not found")
    docs: list[Doc] = []
    for coll in sorted(p for p in root.iterdir() if (p / "articles.jsonl").is_file()):
        m = T17_STORY.match(coll.name)
        story = m.group(1) if m else coll.name
        for _, rec in json_rows(coll / "articles.jsonl"):
            text = rec["text"]
            # The first line of a tokenised article is its headline (often run into the lead).
            first, _, rest = text.partition("\n")
            docs.append(
                Doc(
                    id=f"{coll.name}/{rec['id']}",
                    title=first.strip()[:200],
                    text=text,
                    published=(rec.get("time") or None) and str(rec["time"])[:10],
                    gold=story,
                    source=coll.name.split("_", 1)[-1],
                )
            )
    docs.sort(key=lambda d: d.published or "")
    return docs


#: The MEANTIME demo stream shipped with the repository (120 Wikinews articles, gold ``topic``).
MEANTIME_DEMO = Path(__file__).resolve().parents[3] / "examples" / "wikinews-meantime.jsonl"


def load_meantime(data: Path, path: Path = MEANTIME_DEMO) -> list[Doc]:
    """The MEANTIME demo articles (file order), gold = their topic (airbus, apple, gm, stock).

    ``data`` is unused: the file ships with the repository, not the shared data.
    """
    if not path.is_file():
        raise InputError(str(path), "MEANTIME demo file not found")
    docs = []
    for n, (_, rec) in enumerate(json_rows(path)):
        docs.append(
            Doc(
                id=str(rec.get("id") or f"meantime-{n}"),
                title=rec.get("title") or "",
                text=rec.get("text") or "",
                published=(rec.get("published") or None) and str(rec["published"])[:10],
                gold=str(rec["topic"]),
                source=rec.get("source"),
            )
        )
    return docs


# -- embeddings (cached) ------------------------------------------------------------------------
def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "storyline" / "embeddings"


def embed_docs(docs: Sequence[Doc], progress: Callable[[str], None] | None = None) -> np.ndarray:
    """MiniLM embeddings of ``title. lead`` for each doc, cached on disk by content hash.

    The cache (``$XDG_CACHE_HOME/storyline/embeddings``) only saves time on reruns;
    a missing or stale cache file is recomputed.
    """
    from storyline.embed import article_text_for_embedding, embed

    texts = [article_text_for_embedding(d.title, _body(d)) for d in docs]
    key = hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()[:20]
    path = _cache_dir() / f"{key}.npy"
    if path.is_file():
        arr = np.load(path)
        if arr.shape == (len(texts), 384):
            return arr
    if progress:
        progress(f"embedding {len(texts)} documents (cached afterwards in {path.parent})")
    arr = embed(texts)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, arr)
    os.replace(tmp, path)
    return arr


#: How much of each document the benchmark analyses for entities and time expressions (headline and lead:
#: where the linker looks for principal actors, places and event days).
ANALYSED_CHARS = 1500


def analyse_docs(docs: Sequence[Doc], progress: Callable[[str], None] | None = None) -> list["Analysis"]:
    """Entity mentions and time expressions of each doc's first :data:`ANALYSED_CHARS` characters.

    The analysis pipeline (boilerplate, entities, timexes) runs as at ingest, on the lead only (spans hold:
    they point into a prefix of the text). Cached beside the embeddings by content hash.
    """
    import json

    from storyline.analyze import Pipeline
    from storyline.model import Article, analysis_from_dict, to_dict

    arts = [Article(id=d.id, title=d.title, text=d.text[:ANALYSED_CHARS], published=d.published) for d in docs]
    key = hashlib.sha256(
        "\x00".join(f"{a.title}\x01{a.text}\x01{a.published}" for a in arts).encode("utf-8")
    ).hexdigest()[:20]
    path = _cache_dir() / f"{key}.analysis.json"
    if path.is_file():
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
            if len(rows) == len(docs):
                return [analysis_from_dict(r) for r in rows]
        except (ValueError, KeyError, TypeError):
            pass  # an unreadable or stale cache file is recomputed
    if progress:
        progress(f"analysing the leads of {len(docs)} documents (cached afterwards in {path.parent})")
    found = [analysis for _, analysis in Pipeline(("boilerplate", "entities", "timexes")).pipe(arts)]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps([to_dict(a) for a in found], ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return found


def _body(doc: Doc) -> str:
    """The text after the title line (ECB+/T17 put the headline first)."""
    if doc.text.startswith(doc.title):
        return doc.text[len(doc.title) :].lstrip()
    return doc.text


# -- metrics ------------------------------------------------------------------------------------
def bcubed(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float, float]:
    """B-cubed (precision, recall, F1), averaged over items."""
    if not gold:
        return 0.0, 0.0, 0.0
    pair = Counter(zip(gold, pred))
    g_size = Counter(gold)
    p_size = Counter(pred)
    p = sum(n * n / p_size[pc] for (_, pc), n in pair.items()) / len(gold)
    r = sum(n * n / g_size[gc] for (gc, _), n in pair.items()) / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """B-cubed P/R/F1, V-measure and the number of predicted clusters."""
    from sklearn.metrics import v_measure_score

    p, r, f = bcubed(gold, pred)
    return {
        "bcubed_p": round(p, 4),
        "bcubed_r": round(r, 4),
        "bcubed_f1": round(f, 4),
        "v_measure": round(float(v_measure_score(gold, pred)), 4),
        "clusters": len(set(pred)),
        "gold_clusters": len(set(gold)),
    }


# -- peers --------------------------------------------------------------------------------------
def hdbscan_labels(embeddings: np.ndarray, min_cluster_size: int = HDBSCAN_MIN_CLUSTER) -> list[str]:
    """HDBSCAN (BERTopic's default clusterer) on the embeddings, PCA to 5 dims standing in for UMAP.

    ``min_cluster_size`` is BERTopic's default ``min_topic_size`` (10). Noise
    points (label -1) each become their own cluster.
    """
    from sklearn.cluster import HDBSCAN
    from sklearn.decomposition import PCA

    reduced = PCA(n_components=5, random_state=0).fit_transform(embeddings)
    labels = HDBSCAN(min_cluster_size=min_cluster_size, copy=True).fit_predict(reduced)
    return [f"c{lab}" if lab >= 0 else f"noise{i}" for i, lab in enumerate(labels)]


def tfidf_single_pass_labels(docs: Sequence[Doc], threshold: float = TFIDF_THRESHOLD) -> list[str]:
    """Single-pass clustering of TF-IDF vectors in stream order (join the nearest centroid or start one).

    A centroid is the sum of its members; its dot product with a new document is
    the sum of the members' dot products, so similarities come from one sparse
    product with the documents seen so far.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(
        [f"{d.title}\n{d.text}" for d in docs]
    ).tocsr()
    assigned = np.zeros(matrix.shape[0], dtype=np.int64)
    sq_norms: list[float] = []  # squared norms of the centroid sums
    for i in range(matrix.shape[0]):
        row = matrix[i]
        if sq_norms:
            dots = np.asarray((matrix[:i] @ row.T).todense()).ravel()
            per_cluster = np.bincount(assigned[:i], weights=dots, minlength=len(sq_norms))
            sims = per_cluster / np.sqrt(np.maximum(sq_norms, 1e-12))
            best = int(np.argmax(sims))
            if sims[best] >= threshold:
                assigned[i] = best
                sq_norms[best] += 2 * per_cluster[best] + 1.0
                continue
        assigned[i] = len(sq_norms)
        sq_norms.append(1.0)
    return [f"c{c}" for c in assigned]


# -- the benchmark ------------------------------------------------------------------------------
def linker_labels(
    docs: Sequence[Doc],
    embeddings: np.ndarray,
    level: str,
    analyses: Sequence["Analysis"] | None = None,
    config: "LinkConfig | None" = None,
) -> list[str]:
    """Event or thread ids from the online linker (default settings unless ``config``)."""
    return linker_levels(docs, embeddings, analyses, config)[level]


def linker_levels(
    docs: Sequence[Doc],
    embeddings: np.ndarray,
    analyses: Sequence["Analysis"] | None = None,
    config: "LinkConfig | None" = None,
) -> dict[str, list[str]]:
    """``{"event": ids, "thread": ids}`` from one run of the online linker.

    ``analyses`` (from :func:`analyse_docs`) give the linker the entity mentions and time expressions that
    ingest gives it; without them it links on words and embeddings alone.
    """
    from storyline.link.stream import link_stream
    from storyline.model import Article

    arts = [
        Article(id=d.id, title=d.title, text=d.text, published=d.published, source=d.source,
                meta={"entities": [m.canonical for m in analyses[i].entities]} if analyses is not None else {})
        for i, d in enumerate(docs)
    ]
    res = link_stream(arts, embeddings, config, analyses=analyses)
    return {"event": [r.event_id for r in res], "thread": [r.thread_id for r in res]}


CORPORA: dict[str, tuple[Callable[[Path], list[Doc]], str]] = {
    "ecbplus": (load_ecbplus, "event"),
    "timeline17": (load_timeline17, "thread"),
    "meantime": (load_meantime, "thread"),
}


def evaluate(data: Path, progress: Callable[[str], None] | None = None) -> dict[str, dict[str, dict[str, float]]]:
    """Scores of storyline and the two peers on each corpus: ``{corpus: {method: metrics}}``."""
    import time

    say = progress or (lambda _msg: None)
    out: dict[str, dict[str, dict[str, float]]] = {}
    for corpus, (loader, level) in CORPORA.items():
        docs = loader(data)
        say(f"{corpus}: {len(docs)} documents, {level} level")
        emb = embed_docs(docs, say)
        gold = [d.gold for d in docs]
        analyses = analyse_docs(docs, say)
        methods: dict[str, Callable[[], list[str]]] = {
            "storyline": partial(linker_labels, docs, emb, level, analyses),
            "hdbscan-no-umap": partial(hdbscan_labels, emb),
            "tfidf-single-pass": partial(tfidf_single_pass_labels, docs),
        }
        out[corpus] = {}
        for name, run in methods.items():
            t0 = time.perf_counter()
            pred = run()
            metrics = score(gold, pred)
            metrics["seconds"] = round(time.perf_counter() - t0, 2)
            out[corpus][name] = metrics
            say(f"{corpus} {name}: B-cubed F1 {metrics['bcubed_f1']}")
    return out
