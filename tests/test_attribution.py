"""The learned attribution finder: candidates, the packaged model and the two modes of find_quotes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

from storyline.analyze.quotes.attribution import (  # noqa: E402
    MODEL_PATH,
    AttributionModel,
    candidates,
    content_fragments,
    content_span,
    features,
    is_candidate_cue,
    load_model,
    quotation_runs,
    subject,
)
from storyline.analyze.quotes import find_quotes  # noqa: E402
from storyline.analyze.quotes.lexicon import SPEECH_VERBS, THOUGHT_VERBS  # noqa: E402
from storyline.evaluation.polnear import parse_ann, score_doc  # noqa: E402
from storyline.model import Quote, Span  # noqa: E402


@pytest.fixture(scope="module")
def nlp():
    from storyline.analyze.nlp import nlp as pipeline_nlp

    return pipeline_nlp()


def _contents(doc, word: str) -> list[str]:
    cue = next(t for t in doc if t.text == word)
    spans = [content_span(doc, cand) for cand in candidates(cue)]
    return [doc.text[s[0] : s[1]] for s in spans if s is not None]


def test_candidates_read_contents_off_the_parse(nlp) -> None:
    doc = nlp("The council voted for the resolution on Monday.")
    assert "the resolution" in _contents(doc, "voted")
    doc = nlp("Smith said that the plant would close, and the union agreed.")
    assert "that the plant would close" in _contents(doc, "said")


def _best(model: AttributionModel, doc, word: str) -> float:
    cue = next(t for t in doc if t.text == word)
    return max(model.probability(feats) for _cand, feats in features(cue))


def test_model_file_loads_and_round_trips(nlp) -> None:
    assert MODEL_PATH.is_file() and MODEL_PATH.stat().st_size < 5_000_000
    model = load_model()
    assert model is not None and 0.0 < model.threshold < 1.0 and len(model.weights) > 1000
    again = AttributionModel.from_json(model.to_json())
    doc = nlp("Smith said that the plant would close. The workers walked to the gate on Monday.")
    assert _best(again, doc, "said") == pytest.approx(_best(model, doc, "said"))
    # A reporting verb with a clause passes the threshold; walking somewhere does not.
    assert _best(model, doc, "said") > model.threshold > _best(model, doc, "walked")


def test_polnear_mode_finds_beliefs_and_actions(nlp) -> None:
    text = (
        "Senator Jane Roe co-sponsored legislation to ban assault weapons in 2013. "
        "She believes that the measure would save lives. "
        "“We will vote again,” Roe said."
    )
    doc = nlp(text)
    polnear = find_quotes(doc, mode="polnear")
    found = {q.text for q in polnear}
    assert any("the measure would save lives" in t for t in found), found
    direct = next(q for q in polnear if "vote again" in q.text)
    assert direct.text.startswith("“") and direct.text.endswith("”")  # PolNeAR keeps the marks
    assert direct.speaker == "Jane Roe"


def test_news_mode_keeps_to_speech_and_thought(nlp, seeds: Path) -> None:
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))
    for art in gold["articles"]:
        text = (seeds / art["file"]).read_text(encoding="utf-8")
        doc = nlp(text)
        news = find_quotes(doc)
        for q in news:
            if q.kind != "indirect" or q.cue is None:
                continue
            cue = doc.char_span(q.cue.start, q.cue.end, alignment_mode="expand")
            assert cue is not None
            words = {t.lemma_.lower() for t in cue} | {cue.text.lower(), cue.text}
            assert words & (SPEECH_VERBS | THOUGHT_VERBS | {"according to", ":"}), (cue.text, q.text)
        assert len(find_quotes(doc, mode="polnear")) >= len([q for q in news if q.kind == "direct"])


def test_scorer_on_a_hand_made_annotation(nlp) -> None:
    text = "Roe said that taxes would rise. The council voted for the resolution."
    s = text.index("Roe")
    c = text.index("said")
    t0, t1 = text.index("that taxes"), text.index(" would rise.") + len(" would rise")
    ann = f"T1\tSource {s} {s + 3}\tRoe\nT2\tCue {c} {c + 4}\tsaid\nT3\tContent {t0} {t1}\tx\nE1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n"
    gold = parse_ann(ann)
    counts = score_doc(find_quotes(nlp(text), mode="polnear"), gold)
    assert counts.matched == 1 and counts.source_ok == 1


def _fragments(doc, word: str) -> list[list[str]]:
    cue = next(t for t in doc if t.text == word)
    return [[doc.text[a:b] for a, b in content_fragments(doc, cand)] for cand in candidates(cue)]


def test_candidates_split_around_a_parenthetical_cue(nlp) -> None:
    doc = nlp("The new tax plan, the senator said on Monday, would hurt small farms.")
    assert ["The new tax plan", "would hurt small farms"] in _fragments(doc, "said")


def test_predicative_adjectives_are_cues(nlp) -> None:
    doc = nlp("Smith was critical of the decision to close the plant.")
    critical = next(t for t in doc if t.text == "critical")
    assert is_candidate_cue(critical)
    assert ["the decision to close the plant"] in _fragments(doc, "critical")
    assert subject(critical) is not None and subject(critical).text == "Smith"  # the copula's subject


def test_scorer_groups_the_pieces_of_one_cue() -> None:
    text = "The plan, officials said, would fail."
    c = text.index("said")
    a0, a1 = 0, text.index(",")
    b0, b1 = text.index("would"), text.index(".")
    ann = f"T1\tCue {c} {c + 4}\tsaid\nT2\tContent {a0} {a1};{b0} {b1}\tx\nE1\tAttribution:T1 Content:T2 Cue:T1\n"
    cue = Span(c, c + 4)
    pieces = [Quote(content=Span(a, b), text=text[a:b], kind="indirect", cue=cue) for a, b in ((a0, a1), (b0, b1))]
    counts = score_doc(pieces, parse_ann(ann))
    assert counts.pred == 1 and counts.matched == 1


def test_contents_widen_to_the_quotation_they_cut(nlp) -> None:
    doc = nlp("Trump said that “ethanol people” “do a fantastic job. And it’s so important.” He left.")
    runs = quotation_runs([t.text not in "“”" and not _inside_marks(doc, t.i) for t in doc])
    said = next(t for t in doc if t.text == "said")
    plain = candidates(said)
    widened = candidates(said, runs)
    texts = [doc.text[a:b] for c in widened for a, b in content_fragments(doc, c)]
    assert "that “ethanol people” “do a fantastic job. And it’s so important.”" in texts
    assert len(widened) > len(plain)


def _inside_marks(doc, i: int) -> bool:
    """Whether token ``i`` lies between an opening and a closing double quotation mark."""
    opened = sum(t.text == "“" for t in doc[:i]) - sum(t.text == "”" for t in doc[:i])
    return opened > 0


def test_comparison_features_tell_near_identical_extents_apart(nlp) -> None:
    doc = nlp("Voters in Virginia supported Sanders in the primary on Tuesday.")
    supported = next(t for t in doc if t.text == "supported")
    by_text = {doc[c.start : c.end].text: f for c, f in features(supported)}
    short, mid = by_text.get("Sanders"), by_text.get("Sanders in the primary")
    assert short is not None and mid is not None
    assert "drops=prep|in" in short  # what the next longer content would add
    assert "adds=prep|in" in mid and "drops=prep|on" in mid


def test_polnear_mode_reads_headline_colons_and_introduced_quotations(nlp) -> None:
    text = (
        "Clinton to Planned Parenthood: Trump will reverse Roe v. Wade\n"
        "The Gallup analysis found something new:\n"
        "“Twenty states are solidly Republican, compared with 14 solidly Democratic.”\n"
        "Senator Jane Roe told reporters that the bill would pass.\n"
        "“We have the votes. We will win,” she said on Monday.\n"
    )
    doc = nlp(text)
    quotes = find_quotes(doc, mode="polnear")
    head = next(q for q in quotes if q.text.startswith("Trump will reverse"))
    assert head.cue is not None and head.cue.text(text) == ":" and head.source.text(text) == "Clinton"
    gallup = next(q for q in quotes if "Twenty states" in q.text)
    assert gallup.cue is not None and gallup.cue.text(text) == ":"
    assert not any(q.text.startswith("Trump will reverse") for q in find_quotes(doc))  # news mode: named sources only


def test_follow_on_quotation_joins_an_indirect_attribution(nlp) -> None:
    text = (
        "Clinton hit back at the Sanders campaign, saying it was conflating donations from workers with "
        "support from the companies.\n"
        "“I am so sick of the Sanders campaign lying about me.”\n"
    )
    doc = nlp(text)
    quotes = find_quotes(doc, mode="polnear")
    follow = next(q for q in quotes if "so sick" in q.text)
    lead = next(q for q in quotes if "conflating" in q.text)
    assert follow.cue == lead.cue and follow.source == lead.source  # one attribution, two fragments


def test_content_tagger_windows_mark_the_cue_and_decode_runs(nlp) -> None:
    from storyline.analyze.quotes.content_tagger import CUE_CLOSE, CUE_OPEN, MAX_PIECES, context_start, cue_window, decode, encode

    text = "The mayor spoke first. Officials said on Monday that the bridge would reopen in May. Traffic was light."
    doc = nlp(text)
    said = next(t for t in doc if t.text == "said")
    enc = encode(text)
    win = cue_window(enc, (said.idx, said.idx + len(said)), context_start(said))
    assert win is not None and len(win.ids) <= MAX_PIECES
    opened = win.ids.index(CUE_OPEN)
    assert win.ids[opened + 2] == CUE_CLOSE  # "said" is one wordpiece, between the markers
    assert text[enc.offsets[win.pieces[1]][0] :].startswith("The mayor")  # the sentence before is context
    # Labels marking "the bridge would reopen in May" decode to that extent.
    first = next(k for k, p in enumerate(win.pieces) if p >= 0 and enc.offsets[p][0] == text.index("the bridge"))
    last = next(k for k, p in enumerate(win.pieces) if p >= 0 and enc.offsets[p][0] == text.index("May"))
    labels = [0] * len(win.ids)
    labels[first] = 1
    labels[first + 1 : last + 1] = [2] * (last - first)
    assert [text[a:b] for a, b in decode(enc, win, labels, text)] == ["the bridge would reopen in May"]


def test_window_labels_follow_the_gold_fragments(nlp) -> None:
    from storyline.analyze.quotes.content_tagger import context_start, cue_window, encode
    from storyline.evaluation.train_content_tagger import IGNORE, window_labels
    from storyline.evaluation.polnear import GoldAttribution

    text = "The plan, he said, would fail."
    doc = nlp(text)
    said = next(t for t in doc if t.text == "said")
    enc = encode(text)
    win = cue_window(enc, (said.idx, said.idx + 4), context_start(said))
    gold = GoldAttribution(content=(Span(0, 8), Span(19, 29)), cue=(Span(said.idx, said.idx + 4),))
    labels = window_labels(enc, win, gold)
    assert labels[0] == IGNORE and labels[-1] == IGNORE
    words = [(text[slice(*enc.offsets[p])], lab) for p, lab in zip(win.pieces, labels) if p >= 0]
    assert words[:2] == [("the", 1), ("plan", 2)] or words[:2] == [("The", 1), ("plan", 2)]
    assert ("would", 1) in words and ("fail", 2) in words and ("he", 0) in words


def test_content_tagger_model_reads_a_reported_clause(nlp) -> None:
    from storyline.analyze.quotes.content_tagger import MODEL_PATH as TAGGER_PATH, tag_contents

    assert TAGGER_PATH.is_file() and TAGGER_PATH.stat().st_size < 25_000_000
    text = "The mayor spoke first. Officials said on Monday that the bridge would reopen in May. Traffic was light."
    doc = nlp(text)
    said = next(t for t in doc if t.text == "said")
    walked = next(t for t in doc if t.text == "spoke")
    tagged, _ = tag_contents(doc, [(said, (said.idx, said.idx + 4)), (walked, (walked.idx, walked.idx + 5))])
    contents = [text[a:b] for a, b in tagged.fragments]
    assert contents and contents[0].endswith("the bridge would reopen in May"), contents
    assert not any("mayor" in c or "Monday" in c for c in contents), contents
    assert 0.0 < tagged.confidence <= 1.0
