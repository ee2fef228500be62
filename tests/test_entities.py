"""Entity mentions resolved to one canonical name per person within an article, and across the store."""

from __future__ import annotations

import json

import pytest

from storyline.analyze.entities import clean_name, resolve_mentions
from storyline.analyze.nlp import nlp
from storyline.model import entity_id


@pytest.mark.parametrize(
    "surface, name",
    [
        ("Mr Putin's", "Putin"),
        ("President Vladimir Putin", "Vladimir Putin"),
        ("the U.S.", "United States"),
        ("US", "United States"),
        ("The Russian LGBT Network", "Russian LGBT Network"),
        ("Article 14\u00a0 of the Family Code", "Article 14 of the Family Code"),
    ],
)
def test_clean_name(surface, name):
    assert clean_name(surface) == name


def test_seed_aliases_resolve_to_one_name(seeds):
    gold = json.loads((seeds / "gold.json").read_text())
    for art in gold["articles"]:
        text = (seeds / art["file"]).read_text(encoding="utf-8")
        mentions = resolve_mentions(nlp()(text))
        by_text: dict[str, set[str]] = {}
        for m in mentions:
            by_text.setdefault(m.text, set()).add(m.canonical)
        for canonical, aliases in art["aliases"].items():
            found = [a for a in aliases if a in by_text]
            # Every alias the tagger finds as a mention must resolve to the gold name...
            for alias in found:
                assert by_text[alias] == {canonical}, (art["file"], alias, by_text[alias])
            # ...and short names and role phrases must be among them.
            assert any(len(a.split()) == 1 for a in found), (art["file"], canonical, found)
        roles = [a for aliases in art["aliases"].values() for a in aliases if a.lower().startswith("the ")]
        assert any(r in by_text for r in roles), (art["file"], roles)
        people = {m.canonical for m in mentions if m.label == "PERSON"}
        assert set(art["entities"]["PERSON"]) <= people, (art["file"], people)


def test_same_person_same_entity_id_across_articles():
    a = resolve_mentions(nlp()("Vladimir Putin met the envoy. Putin said little."))
    b = resolve_mentions(nlp()("Russian president Vladimir Putin spoke on Monday."))
    ids_a = {entity_id(m.canonical, m.label) for m in a if m.canonical == "Vladimir Putin"}
    ids_b = {entity_id(m.canonical, m.label) for m in b if m.canonical == "Vladimir Putin"}
    assert ids_a and ids_a == ids_b


def test_short_name_joins_the_full_name_known_in_the_store(tmp_path):
    import storyline
    from storyline.model import Article

    with storyline.open(str(tmp_path / "e.db")) as corpus:
        corpus.add([Article(title="Talks", text="Vladimir Putin met the envoy in Moscow on Monday.", published="2020-01-01")])
        corpus.add([Article(title="Later", text="Putin said on Tuesday that the talks went well.", published="2020-01-02")])
        names = {e["name"] for e in corpus.store.entities()}
    assert "Vladimir Putin" in names and "Putin" not in names
