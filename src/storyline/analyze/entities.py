"""Named entities with one canonical name per referent within an article.

spaCy finds the mentions; this module decides what each refers to:
titles and possessives are stripped ("Mr Putin's" → "Putin"), short names take
the full name used elsewhere in the article ("John" → "Elton John"), and role
descriptions introduced next to a name ("Russian president Vladimir Putin") are
resolved when they recur on their own ("the Russian President").
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Callable, Collection, Iterable

from ..model import Analysis, Mention, Span, entity_id

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

KEEP = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "president", "prime", "minister",
    "pm", "gen", "general", "col", "sen", "senator", "rep", "gov", "governor", "king", "queen", "prince",
    "princess", "pope", "rev", "judge", "justice", "chancellor", "secretary", "mayor", "ceo", "chairman",
}
ROLE_WORDS = {
    "president", "minister", "leader", "chancellor", "king", "queen", "ceo", "chairman", "chief", "secretary",
    "governor", "mayor", "pope", "singer", "star", "spokesman", "spokeswoman", "director", "head", "founder",
}
_SPACES = re.compile(r"\s+")
# Common short forms that spaCy labels as separate entities.
ALIASES = {
    "us": "United States", "u.s.": "United States", "u.s": "United States", "usa": "United States",
    "u.s.a.": "United States", "america": "United States", "the united states": "United States",
    "united states of america": "United States", "the united states of america": "United States",
    "uk": "United Kingdom", "u.k.": "United Kingdom", "britain": "United Kingdom", "great britain": "United Kingdom",
    "un": "United Nations", "u.n.": "United Nations", "eu": "European Union", "e.u.": "European Union",
}
NOT_ENTITIES = {"utc", "gmt", "est", "edt", "pst", "pdt", "bst", "cet"}
# Adjectives of nationality (spaCy's NORP) that name the country itself ("American" officials, a
# "Japanese" carmaker): MEANTIME's gold counts them as mentions of the country.
DEMONYMS = {
    "american": "United States", "british": "United Kingdom", "japanese": "Japan", "canadian": "Canada",
    "chinese": "China", "german": "Germany", "french": "France", "russian": "Russia", "italian": "Italy",
    "australian": "Australia", "indian": "India", "irish": "Ireland", "spanish": "Spain", "ukrainian": "Ukraine", "european": "Europe",
}
#: last words of a country's government ("the US Government", "the Canadian Government")
GOVERNMENT_WORDS = {"government", "administration"}
# Legal-form suffixes of company names ("Apple Inc." is "Apple", "Chrysler LLC" is "Chrysler").
COMPANY_SUFFIXES = {"inc", "inc.", "corp", "corp.", "corporation", "co", "co.", "llc", "ltd", "ltd.", "plc", "spa",
                    "s.p.a.", "n.v.", "nv", "ag", "s.a.", "sa", "gmbh"}

# Words that describe a company's trade or form rather than name it: "Apple Computer" and "Ford Motor Company"
# are Apple and Ford, "Apple Corps" and "Ford Australia" are other companies.
COMPANY_WORDS = {
    "company", "companies", "corporation", "group", "holding", "holdings", "international", "incorporated",
    "limited", "computer", "computers", "motor", "motors", "automotive", "airways", "airlines", "aircraft",
    "airplanes", "aviation", "aerospace", "commercial", "capital", "management", "systems", "technologies",
    "technology", "industries", "enterprises", "partners", "electronics", "communications", "software",
    "worldwide", "global", "services", "products", "manufacturing", "industrial", "average", "index", "composite",
}


def company_part(name: str) -> str | None:
    """What names the company of a longer name whose last words only describe it ("Ford" for "Ford Motor
    Company", "Dow Jones" for "Dow Jones Industrial Average"), else None."""
    words = name.split()
    while len(words) > 1 and (words[-1].lower() in COMPANY_WORDS or words[-1].lower() in COMPANY_SUFFIXES):
        words = words[:-1]
    return " ".join(words) if len(words) < len(name.split()) else None


def clean_name(text: str, label: str = "PERSON") -> str:
    """A mention's surface form without titles (of people: "General Motors" keeps its first word),
    articles, legal forms of companies, possessives and odd spaces."""
    name = _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()
    name = re.sub(r"(?:'s|’s|'|’)$", "", name).strip()
    name = re.sub(r"^(?:the|The)\s+", "", name)
    words = name.split(" ")
    while label in ("PERSON", "NORP", "GPE") and len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
        words = words[1:]
    while len(words) > 1 and words[-1].lower().strip(",") in COMPANY_SUFFIXES:
        words = words[:-1]
    name = " ".join(words).strip(" ,;:")
    name = re.sub(r"(?<=\d)s$", "", name)  # "787s", "A380s": the model
    if name.endswith(".") and not re.search(r"(?:\b[A-Za-z]\.)+$", name):
        name = name[:-1]  # a sentence full stop, not the dot of an abbreviation such as "U.S."
    words = name.split(" ")
    for k in (2, 1):  # a country's short form opening a longer name: "US Air Force" is "United States Air Force"
        short = " ".join(words[:k])
        if len(words) > k and short.isupper() and short.lower() in ALIASES and words[k][:1].isupper():
            return " ".join([ALIASES[short.lower()], *words[k:]])
    return ALIASES.get(name.lower(), name)


_BRACKETED = re.compile(r"\s*\(\s*([A-Z][A-Z&]{1,7})\s*\)")


def _abbreviates(acronym: str, name: str) -> bool:
    """``acronym`` starts as ``name`` does and its letters come in order in it ("SIA", "Singapore Airlines")."""
    rest = iter(name.lower())
    return acronym[0].lower() == name[:1].lower() and all(ch in rest for ch in acronym.lower() if ch.isalpha())


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def _tokens(name: str) -> list[str]:
    return name.lower().split()


def _is_part(short: str, full: str) -> bool:
    """``short`` names the same thing as ``full``: its words are a prefix or suffix of it."""
    s, f = _tokens(short), _tokens(full)
    return 0 < len(s) < len(f) and (f[: len(s)] == s or f[-len(s) :] == s)


#: the optional resolution rules, each chosen on MEANTIME leave one topic out (``storyline eval entities``):
#: model numbers of products, a country's government as the country, bracketed acronyms, missed surnames
RULES = frozenset({"model_numbers", "governments", "bracketed_acronyms", "surnames"})


def resolve_mentions(doc: "Doc", rules: Collection[str] = RULES) -> list[Mention]:
    """Mentions of named entities in ``doc`` with their canonical names, in text order (``rules``: which
    of :data:`RULES` apply)."""
    text = doc.text  # spaCy joins the tokens again at every access
    raw: list[tuple[Span, str, str, str]] = []  # span, surface text, label, cleaned name
    for ent in doc.ents:
        if ent.label_ not in KEEP:
            continue
        name = clean_name(ent.text, ent.label_)
        if not name or not any(ch.isalpha() for ch in name) or name.lower() in NOT_ENTITIES:
            continue
        label = ent.label_
        end = ent.end_char
        model = _model_number(doc, ent.end) if label in ("PRODUCT", "ORG") and "model_numbers" in rules else None
        if model is not None:  # "iPhone 4", "Boeing 787": a model of its own
            name, end = f"{name} {clean_name(model.text)}", model.idx + len(model.text)
        words = name.split()
        if len(words) > 1 and words[-1].lower() in GOVERNMENT_WORDS and "governments" in rules:  # "the US Government" is the country
            rest = " ".join(words[:-1])
            rest = DEMONYMS.get(rest.lower(), ALIASES.get(rest.lower(), rest))
            if rest.lower() not in {"federal", "state", "local"}:
                name, label = rest, "GPE"
        if label == "NORP" and name.lower() in DEMONYMS:
            name, label = DEMONYMS[name.lower()], "GPE"
        raw.append((Span(ent.start_char, end), text[ent.start_char:end], label, name))
    # An acronym names the multi-word name of the article whose initials it spells ("GM", "General Motors").
    long_names = {n: lab for _, _, lab, n in raw if len(n.split()) > 1 and lab != "PERSON"}
    acronyms: dict[str, tuple[str, str]] = {}
    for n, lab in long_names.items():
        acronyms.setdefault(_initials(n), (n, lab))
    # An acronym in brackets right after a name is that name ("Singapore Airlines (SIA)"), and so is each
    # later use of it, tagged or not.
    for span, _, lab, n in list(raw):
        hit = _BRACKETED.match(text, span.end)
        if hit and lab != "PERSON" and "bracketed_acronyms" in rules and _abbreviates(hit.group(1), n):
            acronyms[hit.group(1)] = (n, lab)
    taken = [span for span, *_ in raw]
    for acr, (_, lab) in acronyms.items():
        if len(acr) < 2 or "bracketed_acronyms" not in rules:
            continue
        for hit in re.finditer(r"\b" + re.escape(acr) + r"\b", text):
            span = Span(hit.start(), hit.end())
            if not any(span.overlaps(t) for t in taken):
                raw.append((span, acr, lab, acr))
                taken.append(span)
    raw.sort(key=lambda r: r[0])
    raw = [
        (span, surface, *acronyms[name][::-1]) if name.isupper() and 1 < len(name) <= 5 and name in acronyms else (span, surface, label, name)
        for span, surface, label, name in raw
    ]

    persons = [n for _, _, label, n in raw if label == "PERSON"]
    full_names = sorted({n for n in persons if len(n.split()) > 1}, key=lambda n: (-len(n.split()), n))
    # The surname of a person the article names in full is a mention wherever the tagger missed it
    # as a proper noun ("Mulally" after "Alan Mulally").
    taken = [span for span, *_ in raw]
    surnames = {n.split()[-1] for n in full_names if n.split()[-1][:1].isupper()} if "surnames" in rules else set()
    for surname in sorted(surnames):
        for hit in re.finditer(r"\b" + re.escape(surname) + r"\b", text):
            span = Span(hit.start(), hit.end())
            tok = doc.char_span(hit.start(), hit.end())
            if tok is not None and len(tok) == 1 and tok[0].pos_ == "PROPN" and not any(span.overlaps(t) for t in taken):
                raw.append((span, surname, "PERSON", surname))
                taken.append(span)
    raw.sort(key=lambda r: r[0])

    orgs = {n for _, _, lab, n in raw if lab == "ORG" and " " not in n}

    def canonical(name: str, label: str) -> tuple[str, str]:
        if label in {"PERSON", "ORG", "GPE"} or len(name.split()) == 1:
            # A short name matching a person's full name is that person, whatever spaCy labelled it.
            matches = [f for f in full_names if _is_part(name, f)]
            if len(matches) == 1 or (matches and len({m.split()[-1] for m in matches}) == 1):
                return matches[0], "PERSON"
        if label != "PERSON":
            # A company is named by its first word when the article also uses that word alone
            # ("Apple Computer" and "Apple", "Boeing Commercial Airplanes" and "Boeing").
            first = company_part(name)
            if label == "ORG" and first in orgs:
                return first, label
            same = [n for _, _, lab, n in raw if lab == label and _is_part(name, n)]
            if same and not (label == "ORG" and name in orgs):
                return max(same, key=lambda n: len(n.split())), label
        return name, label

    mentions: list[Mention] = []
    roles: dict[str, str] = {}
    for span, surface, label, name in raw:
        canon, lab = canonical(name, label)
        mentions.append(Mention(span=span, text=surface, label=lab, canonical=canon))
        if lab == "PERSON":
            role = _role_before(doc, span.start)
            if role:
                roles.setdefault(role, canon)
    extra = _role_mentions(text, roles, mentions)
    # A role mention ("the Russian President") replaces the adjective inside it ("Russian", NORP).
    mentions = [m for m in mentions if not any(m.span.overlaps(r.span) for r in extra)] + extra
    mentions.sort(key=lambda m: m.span)
    # One label per name in an article: spaCy may tag "Apple" ORG in one sentence and PRODUCT in the next.
    votes: dict[str, Counter[str]] = {}
    for m in mentions:
        votes.setdefault(m.canonical, Counter())[m.label] += 1
    for m in mentions:
        if m.label != "PERSON":
            best = votes[m.canonical].most_common(1)[0][0]
            m.label = best if best != "PERSON" or votes[m.canonical]["PERSON"] > 1 else m.label
    for m in mentions:
        m.entity_id = entity_id(m.canonical, m.label)
    return mentions


_MODEL = re.compile(r"\d{1,3}(?:[A-Za-z]{1,3})?s?|[A-Z]\d{2,4}s?")


def _model_number(doc: "Doc", i: int):
    """The token at ``i`` when it is a model number right after a product or maker ("4" of "iPhone 4",
    "787s" of "Boeing 787s"), else None; a year or an amount is not one."""
    if i >= len(doc) or doc[i - 1].whitespace_ != " ":
        return None
    tok = doc[i]
    if not _MODEL.fullmatch(tok.text) or tok.ent_type_ and tok.ent_type_ not in ("PRODUCT", "ORG"):
        return None
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    if nxt is not None and (nxt.text in {"%", "percent", "per", "million", "billion"} or nxt.like_num):
        return None
    return tok


def _role_before(doc: "Doc", start_char: int) -> str | None:
    """The role phrase right before a name ("Russian president" in "Russian president Vladimir Putin")."""
    span = doc.char_span(start_char, start_char + 1, alignment_mode="expand")
    if span is None:
        return None
    i = span.start
    words: list[str] = []
    j = i - 1
    while j >= 0 and len(words) < 3 and doc[j].pos_ in {"PROPN", "ADJ", "NOUN"} and not doc[j].ent_type_ == "PERSON":
        words.insert(0, doc[j].text)
        j -= 1
    if words and words[-1].lower() in ROLE_WORDS:
        return " ".join(w.lower() for w in words)
    return None


def _role_mentions(text: str, roles: dict[str, str], existing: list[Mention]) -> list[Mention]:
    """Mentions like "the Russian President" for role phrases introduced next to a name."""
    found: list[Mention] = []
    taken = [m.span for m in existing if m.label == "PERSON"]
    for role, canon in roles.items():
        if len(role.split()) < 2:
            continue  # "president" alone is too ambiguous
        *mods, head = role.split()
        heads = "|".join(sorted({re.escape(head), "leader"}))
        pattern = r"\bthe\s+" + "".join(re.escape(w) + r"\s+" for w in mods) + f"(?:{heads})" + r"\b"
        for m in re.finditer(pattern, text, re.IGNORECASE):
            span = Span(m.start(), m.end())
            if not any(span.overlaps(t) for t in taken):
                found.append(Mention(span=span, text=m.group(0), label="PERSON", canonical=canon))
    return found


def link_short_names(analysis: Analysis, full_names: Callable[[str], list[str]]) -> None:
    """Give a one-word person name the full name it has elsewhere in the store, when that is unambiguous.

    An article that only says "Putin" joins the entity "Vladimir Putin" known
    from other articles, and so do the quotes attributed to him;
    ``full_names(word)`` lists the stored person names that begin or end with ``word``.
    """
    cache: dict[str, str] = {}

    def full(name: str) -> str:
        if name not in cache:
            found = full_names(name) if " " not in name else []
            cache[name] = found[0] if len(found) == 1 else name
        return cache[name]

    for m in analysis.entities:
        if m.label == "PERSON":
            m.canonical = full(m.canonical)
            m.entity_id = entity_id(m.canonical, m.label)
    for q in analysis.quotes:
        if q.speaker:
            q.speaker = full(q.speaker)


#: which type a name that entities of several types share is taken to have
TYPE_ORDER = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW")


def preferred_type(types: Iterable[str]) -> str:
    """The first of ``types`` in :data:`TYPE_ORDER` (a name stored as an ORG and a PRODUCT is an ORG)."""
    rank = {t: i for i, t in enumerate(TYPE_ORDER)}
    return min(types, key=lambda t: (rank.get(t, len(rank)), t))


#: a word that can be part of a name: capitalised, with a capital inside ("iPhone") or a number with letters ("A380")
_WORD = re.compile(r"[A-Za-z0-9][\w&'.-]*\w|[A-Za-z0-9]")
#: longest run of words looked up as one name
MAX_NAME_WORDS = 4


def _name_like(word: str) -> bool:
    return any(c.isupper() for c in word) or (word[0].isdigit() and any(c.isalpha() for c in word))


def name_candidates(text: str) -> list[tuple[int, int]]:
    """Spans of runs of one to :data:`MAX_NAME_WORDS` name-like words (on one line) that could be a known name."""
    # a model number goes with the name before it ("iPhone 4") but starts none
    words = [(m.start(), m.end(), _name_like(m.group())) for m in _WORD.finditer(text)
             if _name_like(m.group()) or _MODEL.fullmatch(m.group())]
    out = []
    for i, (start, _, named) in enumerate(words):
        if not named:
            continue
        for j in range(i, min(i + MAX_NAME_WORDS, len(words))):
            end = words[j][1]
            if "\n" in text[start:end] or (j > i and not text[words[j - 1][1] : words[j][0]].strip(" ") == ""):
                break
            out.append((start, end))
    return out


def link_known_names(analysis: Analysis, text: str, known_types: Callable[[list[str]], dict[str, str]]) -> None:
    """Resolve an article's non-person names against the names other articles gave their entities.

    ``known_types(names)`` gives the stored type of each name that is some entity's canonical name.
    Three rules, each making one name one entity across the store (chosen on MEANTIME, leave one topic
    out): a known name that the tagger missed here becomes a mention (the longest run of name-like
    words that is a known name); a name known with another type takes that type ("Apple" is an ORG
    wherever an article first stored it so, not a PRODUCT here); and a company's longer name whose first or
    last word is a known company is that company ("Ford Motor Company" is "Ford").
    """
    spans = name_candidates(text)
    names = {text[a:b] for a, b in spans}
    for m in analysis.entities:
        if m.label != "PERSON":
            names.add(m.canonical)
            if m.label == "ORG" and " " in m.canonical:
                names.update((m.canonical.split()[0], m.canonical.split()[-1]))
    types = {n: t for n, t in known_types(sorted(names)).items() if t != "PERSON"}
    if not types:
        return
    for m in analysis.entities:
        if m.label == "PERSON":
            continue
        if m.label == "ORG" and " " in m.canonical and m.canonical not in types:
            company = company_part(m.canonical)
            if company is not None and types.get(company) == "ORG":
                m.canonical = company
        if m.canonical in types and types[m.canonical] != m.label:
            m.label = types[m.canonical]
        m.entity_id = entity_id(m.canonical, m.label)
    taken = [m.span for m in analysis.entities]
    added: list[Mention] = []
    for start, end in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        name = text[start:end]
        span = Span(start, end)
        if name in types and not any(span.overlaps(t) for t in taken):
            added.append(Mention(span=span, text=name, label=types[name], canonical=name, entity_id=entity_id(name, types[name])))
            taken.append(span)
    if added:
        analysis.entities = sorted([*analysis.entities, *added], key=lambda m: m.span)
