"""Claim relations across articles: the seed hoax, revised figures, running totals, denials, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.analyze import analyze
from storyline.corpus import Corpus
from storyline.explain.claims import extract_claims
from storyline.explain.corrections import corrections_for_thread, relate_claims
from storyline.model import Article, ClaimRelation, Span
from storyline.store import Store

from test_claims import seed_article  # tests/ is on sys.path (no package)

EARLIER, LATER = "000_f683f51b366350f9.txt", "002_11948805ac859076.txt"


@pytest.fixture(scope="module")
def gold_correction(seeds: Path) -> dict:
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))
    return next(x for x in gold["cross_article"] if x["type"] == "correction")


@pytest.fixture(scope="module")
def seed_pair(seeds: Path):
    articles = [seed_article(seeds, EARLIER), seed_article(seeds, LATER)]
    return articles, {a.id: analyze(a) for a in articles}


def relate_articles(a: Article, b: Article, analyses: dict, scorer=None) -> list[ClaimRelation]:
    """Relations between the claims of an earlier and a later article (``scorer``: the rules when None)."""
    extra = {} if scorer is None else {"scorer": scorer}
    return relate_claims(extract_claims(a, analyses[a.id]), extract_claims(b, analyses[b.id]), analyses, {a.id: a, b.id: b}, **extra)


def relate_texts(earlier: str, later: str) -> list[ClaimRelation]:
    """Relations between two small articles, analysed by the real pipeline."""
    a = Article(title=earlier.split("\n")[0], text=earlier, published="2021-03-10")
    b = Article(title=later.split("\n")[0], text=later, published="2021-03-12")
    return relate_articles(a, b, {x.id: analyze(x) for x in (a, b)})


def assert_gold(relation_earlier: Span, relation_later: Span, gold: dict) -> None:
    assert Span(*relation_earlier).overlaps(Span(*gold["earlier"]["span"]))
    assert Span(*relation_later).overlaps(Span(*gold["later"]["span"]))


# -- the seed correction -------------------------------------------------------------------------
def test_seed_prank_corrects_the_phone_call(seed_pair, gold_correction):
    articles, analyses = seed_pair
    first, second = articles
    relations = relate_articles(first, second, analyses)
    corrections = [r for r in relations if r.label == "corrects"]
    assert len(corrections) == 1, relations
    rel = corrections[0]
    assert_gold(rel.earlier.span, rel.later.span, gold_correction)
    assert rel.cue in {"tricked", "pretending to be"}
    assert not [r for r in relations if r.label == "contradicts"]


def _thread_store(articles: list[Article], analyses: dict) -> Store:
    """Both seeds stored and assigned to one thread by hand (no linker involved)."""
    store = Store(":memory:")
    with store.transaction():
        store.create_thread("th-seeds", "Elton John and Putin", 1)
        store.create_event("ev-seeds", "th-seeds", "Elton John and Putin", 1)
        for seq, article in enumerate(articles, start=1):
            store.add_article(article)
            store.save_analysis(analyses[article.id])
            store.assign(article.id, seq, "ev-seeds", "th-seeds")
    return store


def test_thread_reports_the_seed_correction_with_both_spans(seed_pair, gold_correction):
    articles, analyses = seed_pair
    store = _thread_store(articles, analyses)
    found = [r for r in corrections_for_thread(store, "th-seeds") if r["label"] == "corrects"]
    assert len(found) == 1
    rel = found[0]
    assert rel["earlier"]["published"] == "2015-09-15" and rel["later"]["published"] == "2018-02-15"
    assert rel["earlier"]["article_id"] == articles[0].id and rel["later"]["article_id"] == articles[1].id
    assert_gold(rel["earlier"]["span"], rel["later"]["span"], gold_correction)
    text = articles[1].text
    assert text[slice(*rel["later"]["span"])] == rel["later"]["text"]


def test_linked_thread_reports_the_seed_correction(seed_pair, gold_correction):
    """Ingested together, the seeds share a thread and the thread reports the correction."""
    articles, _ = seed_pair
    corpus = Corpus(":memory:")
    try:
        corpus.add(articles)
        threads = {corpus.store.assignment(a.id)["thread_id"] for a in articles}
        assert len(threads) == 1
        found = [r for r in corrections_for_thread(corpus.store, threads.pop()) if r["label"] == "corrects"]
        assert found
        assert_gold(found[0]["earlier"]["span"], found[0]["later"]["span"], gold_correction)
    finally:
        corpus.close()


# -- figures -------------------------------------------------------------------------------------
def test_growing_toll_is_an_update_not_a_correction():
    relations = relate_texts(
        "At least 20 people were killed when a bomb exploded at a market in Riverton on Tuesday, police said.",
        "The death toll from Tuesday's bombing at a market in Riverton rose to 35, police said on Thursday.",
    )
    assert [r.label for r in relations] == ["updates"]
    assert "20" in relations[0].cue and "35" in relations[0].cue
    assert relations[0].reason == "later figure 35 replaces earlier at least 20 for the same death toll: a running total that grew"


def test_toll_revised_down_is_a_correction():
    relations = relate_texts(
        "Officials in Riverton said 40 people died in the flood on Monday.",
        "The death toll from the Riverton flood was revised down to 25 on Wednesday, officials said.",
    )
    assert [r.label for r in relations] == ["corrects"]
    assert relations[0].cue.startswith("revised down")
    assert relations[0].reason == "later figure 25 replaces earlier 40 for the same death toll (“revised down”)"


def test_an_estimate_later_called_the_original_one_is_corrected():
    relations = relate_texts(
        "Some 1,000 barrels of oil a day have been gushing from the BP well in the Gulf of Mexico, the Coast Guard said.",
        "The BP well in the Gulf of Mexico is spewing five times as much oil as originally estimated, about 5,000 barrels a day.",
    )
    assert [r.label for r in relations] == ["corrects"]
    assert relations[0].reason == "later figure about 5,000 replaces earlier about 1,000 for the same barrel figure (“originally estimated”)"


def test_a_history_of_estimates_restated_corrects_nothing():
    relations = relate_texts(
        "BP's initial estimate was 1,000 barrels a day from the Gulf of Mexico well, later put at 5,000 barrels a day.",
        "BP originally estimated that 1,000 barrels a day were leaking from the Gulf of Mexico well, then 5,000 barrels.",
    )
    assert not [r for r in relations if r.label in ("corrects", "contradicts")]


def test_same_figure_restated_is_no_change():
    relations = relate_texts(
        "Officials in Riverton said 40 people died in the flood on Monday.",
        "Forty people died in the Riverton flood on Monday, officials said.",
    )
    assert all(r.label == "supports" for r in relations)


# -- denials and controls ------------------------------------------------------------------------
def test_a_party_denying_a_report_is_a_competing_account():
    relations = relate_texts(
        "State television said NATO aircraft struck a hospital in Zawiya on Sunday.",
        "NATO denied that its aircraft struck a hospital in Zawiya, saying they hit a military depot.",
    )
    assert [r.label for r in relations] == ["competing_account"]
    assert relations[0].cue.startswith("denied")
    assert "State television" in relations[0].earlier.text and "NATO denied" in relations[0].later.text
    assert relations[0].reason and "NATO" in relations[0].reason and "competing accounts" in relations[0].reason


@pytest.mark.parametrize(
    "earlier, later",
    [
        ("Prosecutors said Conrad Murray has been charged with involuntary manslaughter over the singer's death.",
         "Conrad Murray has denied a charge of involuntary manslaughter over the singer's death."),
        ("Conrad Murray faces up to four years in prison if convicted of involuntary manslaughter.",
         "Conrad Murray faces four years in prison if convicted of involuntary manslaughter, which he denies."),
        ("Conrad Murray was charged with involuntary manslaughter, prosecutors in Los Angeles said on Monday.",
         "Conrad Murray pleaded not guilty to involuntary manslaughter in a Los Angeles court on Monday."),
    ],
)  # fmt: skip
def test_a_denial_against_a_charge_is_never_a_correction(earlier, later):
    relations = relate_texts(earlier, later)
    assert not [r for r in relations if r.label in ("corrects", "contradicts")]
    for r in relations:
        if r.label == "competing_account":
            assert r.reason and "competing accounts" in r.reason


def test_a_hoax_about_something_else_corrects_nothing():
    relations = relate_texts(
        "State television said NATO aircraft struck a hospital in Zawiya on Sunday.",
        "A video of a shark swimming on a flooded Houston highway was a hoax, experts said.",
    )
    assert relations == []


# -- the command ---------------------------------------------------------------------------------
def test_cli_lists_the_correction_as_json(seed_pair, tmp_path, gold_correction):
    from storyline.cli import app

    articles, analyses = seed_pair
    db = tmp_path / "seeds.db"
    store = Store(db)
    memory = _thread_store(articles, analyses)
    memory.db.connection.backup(store.db.connection)
    store.close()
    result = CliRunner().invoke(app, ["corrections", "th-seeds", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [r["label"] for r in data] == ["corrects"]
    assert_gold(data[0]["earlier"]["span"], data[0]["later"]["span"], gold_correction)
    assert data[0]["cue"] in data[0]["reason"] and "later report" in data[0]["reason"]
    for side in ("earlier", "later"):
        assert {"published", "date", "source", "title", "text", "span"} <= set(data[0][side])
    table = CliRunner().invoke(app, ["corrections", "--db", str(db)])
    assert table.exit_code == 0 and "corrects" in table.stdout and "tricked" in table.stdout
    missing = CliRunner().invoke(app, ["corrections", "th-nope", "--db", str(db)])
    assert missing.exit_code != 0


# -- fates ---------------------------------------------------------------------------------------
def test_reported_dead_then_seen_alive_is_corrected():
    relations = relate_texts(
        "Abu Musab al-Zarqawi was killed in a US air strike near Baghdad, state television said.",
        "Officials said Abu Musab al-Zarqawi is alive and appeared in a new video released on Friday.",
    )
    assert [r.label for r in relations] == ["corrects"]


def test_a_speaker_is_not_the_subject_of_a_fate():
    relations = relate_texts(
        "The presidential palace was badly damaged, but the ambassador said President Rene Preval had survived.",
        "President Rene Preval said the UN mission chief was among the dead, but the UN could not confirm this.",
    )
    assert [r.label for r in relations if r.label != "supports"] == []


def test_resignation_denied_contradicts():
    relations = relate_texts(
        "Hosni Mubarak resigned as president of Egypt on Friday, the vice president said.",
        "Hosni Mubarak has not resigned and remains president, his spokesman insisted.",
    )
    assert [r.label for r in relations] == ["contradicts"]


# -- the learned pair model and the labelled pairs ---------------------------------------------------
def test_pair_model_json_loads_and_scores(tmp_path):
    from storyline.errors import StorylineError
    from storyline.explain._relation_model import FEATURES, MODEL_PATH, PairModel, feature_matrix, load_model
    from storyline.explain.corrections import LearnedScorer, RuleScorer

    model = load_model()
    assert model.features == FEATURES and len(model.weights) == len(FEATURES)
    assert 0 < model.threshold < 1 and "pairs" in model.meta["trained_on"]
    scorer = LearnedScorer(model)
    a = Article(title="Flood", text="Officials in Riverton said 40 people died in the flood on Monday.", published="2021-03-10")
    b = Article(
        title="Flood toll",
        text="The death toll from the Riverton flood was revised down to 25 on Wednesday, officials said.",
        published="2021-03-12",
    )
    analyses = {x.id: analyze(x) for x in (a, b)}
    relations = relate_articles(a, b, analyses, scorer=scorer)
    assert [r.label for r in relations] == ["corrects"]
    assert "25" in relations[0].reason and "40" in relations[0].reason
    # the probability is the model's, from the shipped weights, for the pair the rules proposed
    from storyline.explain.claims import claim_facts
    from storyline.explain.corrections import ClaimPair

    e, l = (claim_facts(c, analyses[x.id], x) for c, x in ((relations[0].earlier, a), (relations[0].later, b)))
    pair = ClaimPair(e, l, 0.8, 0.5, frozenset({"Riverton"}), False)
    verdict = RuleScorer().judge_one(pair)
    prob = float(model.probability(feature_matrix([pair], [verdict]))[0])
    assert 0.0 < prob < 1.0
    # the JSON round-trips, and a damaged file is an error naming it
    copy = tmp_path / "model.json"
    model.save(copy)
    again = load_model(copy)
    assert again.threshold == model.threshold and list(again.weights) == list(model.weights)
    bad = tmp_path / "bad.json"
    bad.write_text(MODEL_PATH.read_text(encoding="utf-8").replace('"similarity"', '"similarity_x"', 1), encoding="utf-8")
    with pytest.raises(StorylineError, match="bad.json"):
        load_model(bad)
    with pytest.raises(StorylineError, match="nope.json"):
        PairModel.from_json({}, "nope.json")


def test_the_learned_scorer_keeps_the_seed_correction(seed_pair, gold_correction):
    from storyline.explain.corrections import LearnedScorer

    articles, analyses = seed_pair
    first, second = articles
    relations = relate_articles(first, second, analyses, scorer=LearnedScorer())
    corrections = [r for r in relations if r.label == "corrects"]
    assert len(corrections) == 1
    assert_gold(corrections[0].earlier.span, corrections[0].later.span, gold_correction)


def test_labelled_pairs_hold_against_timeline17(shared):
    from collections import Counter

    from storyline.evaluation.correction_pairs import LABELS, load_articles, load_pairs

    pairs = load_pairs()
    assert len(pairs) >= 150
    counts = Counter(p.label for p in pairs)
    assert set(counts) <= set(LABELS) and counts["correction"] + counts["contradiction"] >= 20
    collections = {d.split("/")[0] for p in pairs for d in (p.earlier_doc, p.later_doc)}
    arts = load_articles(collections, shared / "data" / "timelines" / "t17")
    for p in pairs:
        for doc, span, side in ((p.earlier_doc, p.earlier_span, "earlier"), (p.later_doc, p.later_span, "later")):
            assert arts[doc].text[span.start : span.end] == p.row[side]["text"], (doc, span)
        assert (arts[p.earlier_doc].published or "") <= (arts[p.later_doc].published or "")


def test_the_relation_scorer_is_a_setting():
    from storyline.config import StorylineConfig
    from storyline.errors import StorylineError
    from storyline.explain.corrections import LearnedScorer, RuleScorer, scorer_named

    assert StorylineConfig().explain.relations == "rules"
    chosen = StorylineConfig.from_mapping({"explain": {"relations": "learned"}})
    assert isinstance(scorer_named(chosen.explain.relations), LearnedScorer)
    assert isinstance(scorer_named("rules"), RuleScorer)
    with pytest.raises(StorylineError, match="relations"):
        StorylineConfig.from_mapping({"explain": {"relations": "oracle"}})
