"""Timelines: metrics on hand-computed cases, date resolution, date ranking and the ``timeline`` command."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.evaluation.tls import PRF, align_rouge, date_prf, mean_prf, rouge_tokens
from storyline.analyze.timex import day_mentions as tagger_days
from storyline.explain.date_ranker import FEATURES, DateRanker, fit_ranker, load_ranker
from storyline.explain.timeline import (
    build_timeline, dated_sentences, doc_from_text, key_dates, rank_dates, read_story, resolve_keywords,
    story_timeline, summarise_date,
)


def test_date_f1_by_hand():
    pred = [("2010-04-20", ["a"]), ("2010-04-22", ["b"]), ("2010-05-01", ["c"])]
    ref = [("2010-04-20", ["x"]), ("2010-05-01", ["y"])]
    s = date_prf(pred, ref)
    assert (s.precision, s.recall) == pytest.approx((2 / 3, 1.0))
    assert s.f1 == pytest.approx(0.8)


def test_rouge_tokens_follow_rouge_conventions():
    # lower case, punctuation splits, stop words gone, stems only for tokens longer than 3
    assert rouge_tokens("The Oil-spill GROWS, and BP's rigs burned.") == ["oil", "spill", "grow", "bp", "s", "rig", "burn"]


def test_alignment_rouge_by_hand():
    pred = [("2010-01-01", ["oil spill grows"]), ("2010-03-01", ["volcano erupts"])]
    ref = [("2010-01-02", ["oil spill spreads"])]
    scores = align_rouge(pred, ref)
    # precision: Jan 1 -> Jan 2 (weight 1/2, 2 unigram hits), Mar 1 -> Jan 2 (no hits); 5 predicted unigrams
    assert scores[1].precision == pytest.approx(0.5 * 2 / 5)
    # recall: Jan 2 aligns to Jan 1 (cheapest: near date, shared words); 3 reference unigrams
    assert scores[1].recall == pytest.approx(0.5 * 2 / 3)
    assert scores[1].f1 == pytest.approx(0.25)
    # bigrams: (oil, spill) is the only hit; 3 predicted bigrams, 2 reference ones
    assert scores[2].precision == pytest.approx(0.5 * 1 / 3)
    assert scores[2].recall == pytest.approx(0.5 * 1 / 2)


def test_alignment_prefers_content_among_equally_distant_dates():
    ref = [("2010-01-10", ["quake hits haiti"]), ("2010-01-12", ["aid arrives port"])]
    pred = [("2010-01-11", ["aid arrives port"])]
    s = align_rouge(pred, ref)[1]
    assert s.precision == pytest.approx(0.5)  # aligned to Jan 12 (same words), weight 1/2
    assert s.recall == pytest.approx(0.5 * 3 / 6)  # only Jan 12's words are hit


def test_identical_timelines_score_one():
    tl = [("2010-01-01", ["oil spill grows fast"]), ("2010-02-01", ["well capped finally"])]
    assert all(s.f1 == pytest.approx(1.0) for s in align_rouge(tl, tl).values())
    assert date_prf(tl, tl).f1 == 1.0


def test_mean_prf_takes_f_of_means():
    m = mean_prf([PRF(1.0, 0.0), PRF(0.0, 1.0)])
    assert (m.precision, m.recall, m.f1) == (0.5, 0.5, 0.5)


def test_days_resolve_against_publication_date():
    text = "The rig exploded on 20 April. On Friday BP said it may 5 times. Officials will meet on Monday. Yesterday oil hit Mississippi."
    got = {text[s:e]: d.isoformat() for s, e, d in tagger_days(text, dt.date(2010, 5, 15))}  # a Saturday
    assert got == {
        "20 April": "2010-04-20",
        "Friday": "2010-05-14",
        "Monday": "2010-05-17",
        "Yesterday": "2010-05-14",
    }


def _article(i: int, pub: str, text: str) -> dict:
    return {"id": str(i), "time": pub, "text": text}


def _synthetic_articles() -> list[dict]:
    arts = []
    # the explosion (20 April) is recalled by many later articles; the capping (15 July) by several
    for i in range(8):
        pub = (dt.date(2010, 4, 21) + dt.timedelta(days=3 * i)).isoformat()
        arts.append(_article(i, pub, f"The oil rig exploded on 20 April, killing 11 workers.\nCrews fought the oil slick on day {i}.\nWeather was calm."))
    for i in range(4):
        pub = (dt.date(2010, 7, 16) + dt.timedelta(days=i)).isoformat()
        arts.append(_article(10 + i, pub, "BP capped the oil well on 15 July after months of leaking.\nShares rose."))
    # a date mentioned once only, and off-topic sentences dated often but without the keyword
    arts.append(_article(20, "2010-06-02", "A hearing on the oil spill took place on 1 June."))
    for i in range(3):
        arts.append(_article(30 + i, "2010-06-10", "The football team won on 9 June in a thrilling final."))
    return arts


def test_timeline_picks_the_most_mentioned_dates():
    tl = build_timeline(_synthetic_articles(), n_dates=2, n_sentences=1, keywords=["oil"])
    assert [d for d, _ in tl] == ["2010-04-20", "2010-07-15"]
    assert "exploded" in tl[0][1][0] and "capped" in tl[1][1][0]


def test_timeline_keywords_filter_summaries():
    tl = build_timeline(_synthetic_articles(), n_dates=3, n_sentences=2, keywords=["oil"])
    assert "2010-06-09" not in {d for d, _ in tl}  # only football sentences speak of 9 June
    assert all("oil" in s.lower() for _, sents in tl for s in sents)
    assert len(tl) == 3 and all(len(s) <= 2 for _, s in tl)
    assert [d for d, _ in tl] == sorted(d for d, _ in tl)


def test_off_topic_dates_only_fill_a_short_timeline():
    # three dates have sentences with the keyword; a fourth can only come from the football sentences
    tl = build_timeline(_synthetic_articles(), n_dates=4, keywords=["oil"])
    assert [d for d, _ in tl] == ["2010-04-20", "2010-06-01", "2010-06-09", "2010-07-15"]
    assert "football" in dict(tl)["2010-06-09"][0]


def test_timeline_window_limits_dates():
    tl = build_timeline(_synthetic_articles(), n_dates=3, keywords=["oil"], start="2010-05-01", end="2010-08-01")
    assert tl and all("2010-05-01" <= d <= "2010-08-01" for d, _ in tl)


def test_keywords_are_split_when_absent():
    sents = dated_sentences([_article(1, "2010-05-01", "BP said the oil spill grew. Egyptian protesters marched.")])
    assert resolve_keywords(["bpoil"], sents) == ["bp", "oil"]
    assert resolve_keywords(["EgyptianProtest"], sents) == ["egyptian"]


def test_timeline_cli_json(tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(a) for a in _synthetic_articles()), encoding="utf-8")
    result = CliRunner().invoke(app, ["timeline", "--jsonl", str(path), "--dates", "2", "--keywords", "oil", "--json"])
    assert result.exit_code == 0, result.output
    tl = json.loads(result.output)
    assert [d for d, _ in tl] == ["2010-04-20", "2010-07-15"]
    assert all(isinstance(s, list) and s for _, s in tl)


def test_timeline_cli_rejects_bad_jsonl(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"time": "2010-01-01", "text": "ok"}\nnot json\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["timeline", "--jsonl", str(path)])
    assert result.exit_code == 1 and "bad.jsonl:2" in result.output


def test_multiword_keyword_kept_when_present():
    sents = dated_sentences([_article(1, "2010-05-01", "The oil spill grew again.")])
    assert resolve_keywords(["oil spill", "tsunami"], sents) == ["oil spill"]


# -- the learned date ranker and the summaries per date --------------------------------------------------------

def _event_story() -> list[dict]:
    arts = []
    # 3 March: the day the bridge collapsed, told in the lead of every later article
    for i in range(6):
        pub = (dt.date(2012, 3, 4) + dt.timedelta(days=2 * i)).isoformat()
        arts.append(_article(i, pub, f"The bridge collapsed on 3 March, killing four people.\nEngineers inspected the river bank on day {i}.\n"
                                     "Traffic was diverted.\nResidents waited.\nShops stayed shut.\nOfficials said more would follow."))
    # 9 March: named once, in passing, at the end of one long article
    arts.append(_article(10, "2012-03-14", "Repairs of the bridge went on.\nCrews worked at night.\nThe mayor visited.\nFunds were found.\n"
                                           "Talks went on.\nA meeting about the bridge budget took place on 9 March."))
    return arts


def test_a_day_something_happened_ranks_above_a_date_in_passing():
    story = read_story(_event_story(), ["bridge"])
    ranked = rank_dates(story)
    assert dt.date(2012, 3, 3) in ranked and dt.date(2012, 3, 9) in ranked
    assert ranked.index(dt.date(2012, 3, 3)) < ranked.index(dt.date(2012, 3, 9))
    assert [t.date for t in key_dates(_event_story(), n_dates=1, keywords=["bridge"])] == ["2012-03-03"]


def test_summary_sentences_carry_a_time_expression_of_their_date():
    arts = {a["id"]: a for a in _synthetic_articles()}
    no_leads = dataclasses.replace(load_ranker(), summary_leads=0)
    found = key_dates(list(arts.values()), n_dates=3, n_sentences=2, keywords=["oil"], ranker=no_leads)
    assert found
    for t in found:
        for e in t.sentences:
            art = arts[e.article_id]
            text = art["text"]
            assert text[e.span.start : e.span.end] == e.text  # the evidence span slices the article to the sentence
            days = {d.isoformat() for s, _, d in tagger_days(text, dt.date.fromisoformat(art["time"]))
                    if e.span.start <= s < e.span.end}
            assert t.date in days, (t.date, e.text)


def test_a_date_only_published_on_gets_no_summary_from_its_leads():
    # the articles of 12 May name no day; their lead is not a sentence about 12 May
    arts = [_article(i, "2010-05-12", "Oil reached the marshes.\nBP shares fell.") for i in range(5)]
    arts.append(_article(9, "2010-05-20", "The oil rig exploded on 20 April."))
    assert [t.date for t in key_dates(arts, n_dates=5, keywords=["oil"])] == ["2010-04-20"]


def test_centroid_summaries_take_the_next_days_openings():
    # 20 April is named only in passing; the next day's articles open with what happened
    lead = "The oil rig exploded in the Gulf, eleven oil workers missing."
    arts = [_article(i, "2010-04-21", f"{lead}\nThe oil company said little.") for i in range(3)]
    arts.append(_article(8, "2010-04-25", "Oil prices were quiet.\nOn 20 April oil traders met as usual."))
    arts.append(_article(9, "2010-04-22", "Oil rig workers are still missing after the blast in the Gulf."))
    story = read_story(arts, ["oil"])
    day = dt.date(2010, 4, 20)
    central = dataclasses.replace(load_ranker(), lead_weight=0.0, summary_leads=0)
    for ranker, expect in ((central, "traders"), (dataclasses.replace(central, summary_leads=5, lead_days=3), "exploded")):
        found = story_timeline(story, 1, 1, ranker)
        assert [t.date for t in found] == ["2010-04-20"]
        (e,) = found[0].sentences
        assert expect in e.text
        text = {a["id"]: a["text"] for a in arts}[e.article_id]
        assert text[e.span.start : e.span.end] == e.text
    # the copies of the lead are picked once; only openings of the day and the next lead_days - 1 days count
    texts = [story.sentences[i].text for i in summarise_date(story, day, 5, leads=5, lead_days=2)]
    assert texts.count(lead) == 1 and not any("still missing" in t for t in texts)
    assert any("still missing" in story.sentences[i].text for i in summarise_date(story, day, 5, leads=5, lead_days=3))
    assert not any("said little" in story.sentences[i].text for i in summarise_date(story, day, 5, leads=1, lead_days=2))
    # a date no sentence names gets no summary
    assert summarise_date(story, dt.date(2010, 4, 21), 3, leads=5, lead_days=3) == []


@pytest.mark.parametrize("summary_leads", [0, 5])
def test_wire_copies_are_summarised_once(summary_leads):
    wire = "Rescuers pulled two survivors from the rubble on 12 January, officials said."
    arts = [_article(i, "2010-01-13", f"{wire}\nMore news from outlet {i}.") for i in range(5)]
    arts.append(_article(7, "2010-01-14", "On 12 January the earthquake struck the capital, officials said."))
    ranker = dataclasses.replace(load_ranker(), summary_leads=summary_leads)
    found = key_dates(arts, n_dates=1, n_sentences=2, ranker=ranker)
    assert [t.date for t in found] == ["2010-01-12"]
    texts = [e.text for e in found[0].sentences]
    assert len(texts) == 2 and texts.count(wire) == 1
    if not summary_leads:  # the central naming sentences: the other article's account comes second
        assert any("earthquake" in t for t in texts)
    else:  # a centroid summary may take the day after's undated openings, never a second copy
        assert texts[0] == wire


def test_key_dates_name_the_event_of_the_articles_that_speak_of_them():
    docs = []
    for a in _synthetic_articles():
        capping = a["id"] in {"10", "11", "12", "13"}  # the articles about the capping (see _synthetic_articles)
        doc = doc_from_text(a["id"], a["time"], a["text"], event="ev-capping" if capping else "ev-blast")
        assert doc is not None
        docs.append(doc)
    found = {t.date: t.event for t in key_dates(docs, n_dates=2, keywords=["oil"])}
    assert found == {"2010-04-20": "ev-blast", "2010-07-15": "ev-capping"}
    # without events, none is named
    assert all(t.event is None for t in key_dates(_synthetic_articles(), n_dates=2, keywords=["oil"]))


def test_ranker_features_do_not_grow_with_the_size_of_the_story():
    once = read_story(_synthetic_articles(), ["oil"])
    twice = read_story(_synthetic_articles() + [dict(a, id=a["id"] + "b") for a in _synthetic_articles()], ["oil"])
    assert once.candidates == twice.candidates
    np.testing.assert_allclose(once.features, twice.features)
    assert rank_dates(once) == rank_dates(twice)


def test_ranker_is_loaded_from_json_and_refuses_other_features(tmp_path):
    shipped = load_ranker()
    assert shipped.features == list(FEATURES) and len(shipped.weights) == len(FEATURES)
    again = DateRanker.from_json(shipped.to_json())
    story = read_story(_synthetic_articles(), ["oil"])
    np.testing.assert_allclose(again.score(story.features), shipped.score(story.features))
    other = DateRanker(["after"], [0.0], [1.0], [1.0])
    with pytest.raises(ValueError, match="features"):
        other.score(story.features)
    bad = tmp_path / "ranker.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(ValueError, match="not a date ranker model"):
        load_ranker(str(bad))


def test_fit_ranker_learns_which_dates_matter():
    rng = np.random.default_rng(0)
    X = rng.random((200, len(FEATURES)))
    y = (X[:, FEATURES.index("after")] > 0.6).astype(int)
    ranker = fit_ranker(X, y, c=1.0)
    s = ranker.score(X)
    assert s[y == 1].mean() > s[y == 0].mean()
    assert ranker.weights[FEATURES.index("after")] == max(ranker.weights)


def test_no_dated_sentences_give_an_empty_timeline():
    assert key_dates([]) == []
    undated = [_article(1, "2010-05-01", "Oil spread along the coast.\nBP said little.")]
    story = read_story(undated, ["oil"])
    assert story.candidates == [] and story.features.shape == (0, len(FEATURES))
    assert key_dates(undated, keywords=["oil"]) == []


def test_eval_timelines_trains_writes_and_scores_a_ranker(tmp_path):
    # three small stories, each a collection with its gold timeline, as Timeline17 lays them out
    data = tmp_path / "t17"
    for topic, shift in (("bridge", 0), ("quake", 40), ("flood", 80)):
        folder = data / f"{topic}_wire"
        folder.mkdir(parents=True)
        when = {d: dt.date(2012, 3, d) + dt.timedelta(days=shift) for d in (3, 4, 5, 6, 7, 8, 9, 10, 12)}
        day = {d: w.strftime("%-d %B") for d, w in when.items()}
        iso = {d: w.isoformat() for d, w in when.items()}
        arts = [_article(i, iso[4 + i], f"The {topic} collapsed on {day[3]}, killing four.\nCrews worked.") for i in range(5)]
        # published on the day (the evaluation reads the articles inside the gold timeline's span)
        arts += [_article(10 + i, iso[12], f"The {topic} reopened on {day[12]} after repairs, outlet {i} said.\nTraffic flowed.")
                 for i in range(3)]
        arts.append(_article(20, iso[10], f"Talks went on.\nCrews met.\nFunds came.\nA {topic} budget meeting was held on {day[9]}."))
        (folder / "articles.jsonl").write_text("\n".join(json.dumps(a) for a in arts), encoding="utf-8")
        gold = [[iso[3], [f"The {topic} collapses."]], [iso[12], [f"The {topic} reopens."]]]
        (folder / "timelines.jsonl").write_text(json.dumps(gold), encoding="utf-8")
        (folder / "keywords.json").write_text(json.dumps([topic]), encoding="utf-8")
    model = tmp_path / "ranker.json"
    result = CliRunner().invoke(app, ["eval", "timelines", "--data", str(data), "--train", "--out", str(model), "--json"])
    assert result.exit_code == 0, result.output
    ranker = load_ranker(str(model))
    assert ranker.features == list(FEATURES) and sorted(ranker.meta["trained_on"]) == ["bridge_wire", "flood_wire", "quake_wire"]
    scores = json.loads(result.output)
    assert len(scores["timelines"]) == 3
    # two gold dates among three candidates each: the meeting named in passing must not be chosen
    assert all(t["date"]["precision"] == 1.0 and t["date"]["recall"] == 1.0 for t in scores["timelines"])


def test_eval_timelines_train_refuses_gold_without_negatives(tmp_path):
    folder = tmp_path / "t17" / "one_wire"
    folder.mkdir(parents=True)
    arts = [a for a in _event_story() if a["id"] != "10"]  # only the collapse day is named
    (folder / "articles.jsonl").write_text("\n".join(json.dumps(a) for a in arts), encoding="utf-8")
    (folder / "timelines.jsonl").write_text(json.dumps([["2012-03-03", ["The bridge collapsed."]]]), encoding="utf-8")
    (folder / "keywords.json").write_text(json.dumps(["bridge"]), encoding="utf-8")
    for name in ("two_wire", "three_wire"):
        other = tmp_path / "t17" / name
        other.mkdir()
        for f in ("articles.jsonl", "timelines.jsonl", "keywords.json"):
            (other / f).write_text((folder / f).read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "timelines", "--data", str(tmp_path / "t17"), "--train",
                                      "--out", str(tmp_path / "m.json")])
    assert result.exit_code == 1 and "gold" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "m.json").exists()
