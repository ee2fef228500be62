"""Entity resolution rules that MEANTIME's cross-document coreference showed missing, and its scorer."""

from __future__ import annotations

from storyline.analyze.entities import clean_name, resolve_mentions
from storyline.analyze.nlp import nlp
from storyline.evaluation.entities import bcubed, ceafe, muc


def _canon(text: str) -> dict[str, str]:
    return {m.text: m.canonical for m in resolve_mentions(nlp()(text))}


def test_company_legal_forms_are_dropped():
    assert clean_name("Apple Inc.") == "Apple"
    assert clean_name("Chrysler LLC") == "Chrysler"
    assert clean_name("General Motors Corporation", "ORG") == "General Motors"
    assert clean_name("General Petraeus") == "Petraeus"


def test_acronyms_short_company_names_and_demonyms():
    c = _canon("General Motors said on Monday it would close plants. GM shares fell 5 percent in New York.")
    assert c.get("GM") == "General Motors"
    c = _canon("Apple Computer released a new laptop on Tuesday. Apple said sales were strong.")
    assert c.get("Apple Computer") == c.get("Apple") == "Apple"
    c = _canon("American carmakers asked the United States government for help.")
    assert c.get("American") == "United States"


def test_cluster_scores_on_a_hand_example():
    gold = {"a": 1, "b": 1, "c": 2}
    one = {"a": "x", "b": "x", "c": "x"}
    assert bcubed(gold, gold).f1 == 1.0 and muc(gold, gold).f1 == 1.0 and ceafe(gold, gold).f1 == 1.0
    b = bcubed(gold, one)  # precision (2/3 + 2/3 + 1/3) / 3, recall 1
    assert abs(b.precision - 5 / 9) < 1e-9 and b.recall == 1.0
    m = muc(gold, one)  # recall 1 (gold links 1 of 1), precision 1/2 (response links 2, 1 correct)
    assert m.recall == 1.0 and m.precision == 0.5


def test_group_folds_keep_groups_apart_and_choose_sees_only_training_folds():
    from storyline.evaluation.cv import choose, group_folds

    groups = ["a", "a", "b", "c", "c", "d"]
    folds = group_folds(groups)
    assert len(folds) == 4
    for train, test in folds:
        assert {groups[i] for i in train}.isdisjoint({groups[i] for i in test})
        assert sorted(train + test) == list(range(6))
    # items: (group, best threshold for that group); a candidate scores 1 per item it suits
    items = [("a", 1), ("a", 1), ("b", 2), ("c", 1), ("c", 1), ("d", 2)]
    ch = choose([1, 2], items, [g for g, _ in items], lambda c, its: sum(c == t for _, t in its) / len(its))
    assert ch.chosen == [1, 1, 1, 1] and ch.held_out == [1.0, 0.0, 1.0, 0.0] and ch.score == 0.5


def test_company_words_countries_and_models_in_names():
    from storyline.analyze.entities import company_part

    assert company_part("Ford Motor Company") == "Ford" and company_part("Apple Computer") == "Apple"
    assert company_part("Dow Jones Industrial Average") == "Dow Jones"
    assert company_part("Apple Corps") is None and company_part("Ford Australia") is None
    assert clean_name("US Air Force", "ORG") == clean_name("U.S. Air Force", "ORG") == "United States Air Force"
    assert clean_name("America West", "ORG") == "America West"  # only an abbreviation is expanded
    assert clean_name("787s", "PRODUCT") == "787" and clean_name("A380s", "PRODUCT") == "A380"


def test_bracketed_acronyms_and_governments():
    c = _canon("Singapore Airlines (SIA) ordered ten aircraft on Monday. A spokesman said SIA would pay in cash.")
    assert c.get("SIA") == "Singapore Airlines"
    c = _canon("Carmakers asked the US Government for loans on Monday.")
    assert c.get("the US Government") == "United States"


def test_rules_can_be_left_out():
    from storyline.analyze.entities import RULES

    doc = nlp()("Carmakers asked the US Government for loans on Monday.")
    without = {m.text: m.canonical for m in resolve_mentions(doc, RULES - {"governments"})}
    assert without.get("the US Government") != "United States"


def test_gold_mentions_take_the_system_mention_of_their_head():
    from storyline.evaluation.entities import GoldMention, align
    from storyline.model import Mention, Span

    text = "Toulouse , France and Boeing 's 787 and Apple 's iPod players"
    def men(word: str) -> Mention:
        i = text.index(word)
        return Mention(span=Span(i, i + len(word)), text=word, label="X", canonical=word)
    mentions = [men(w) for w in ("Toulouse", "France", "Boeing", "Apple", "iPod")]
    def gold(part: str) -> GoldMention:
        i = text.index(part)
        return GoldMention("d", i, i + len(part), part, "e")
    assert align(gold("Toulouse , France"), text, mentions).canonical == "Toulouse"  # type: ignore[union-attr]
    assert align(gold("Boeing 's 787"), text, mentions) is None  # the possessor is not the 787
    assert align(gold("Apple 's iPod players"), text, mentions).canonical == "iPod"  # type: ignore[union-attr]
