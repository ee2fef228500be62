"""What a news page declares about itself: title, date-times, authors, site, URL, section, language.

Sources are read in the order of how much a publisher means them:

1. JSON-LD (``NewsArticle``, ``Article``, ``ReportageNewsArticle`` and their kin, inside
   ``@graph`` and lists too); the article's own node, never an image's, a video's or a
   breadcrumb's;
2. OpenGraph and ``article:*`` properties;
3. other ``<meta>`` tags, then ``<time>`` in the article's header;
4. the text (left to the caller: trafilatura's own findings are the last fallback).

Date-times keep the UTC offset the page gives (``2024-02-28T08:06:44-05:00``): the first ten
characters are then the publisher's local day, which is the day linking uses. Authors are
people: the publisher, domains, URL slugs and labels ("By", "Von", "Autor") are removed, lists
joined by "and"/"und"/"og"/"&" are split, and initials keep their dots.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator
from urllib.parse import urlsplit

#: JSON-LD types of the article node (schema.org's Article and its news subtypes).
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "askpublicnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "scholarlyarticle",
        "report",
        "techarticle",
    }
)
#: Types whose dates and names are never the article's.
_NOT_ARTICLE = frozenset(
    {"imageobject", "videoobject", "breadcrumblist", "listitem", "person", "organization", "newsmediaorganization", "website", "searchaction"}
)
_PAGE_TYPES = frozenset({"webpage", "itempage", "collectionpage"})


@dataclass
class PageMetadata:
    """Metadata a page declares; every field ``None`` (or empty) when the page does not say."""

    title: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    site_name: str | None = None
    url: str | None = None
    section: str | None = None
    language: str | None = None
    description: str | None = None
    #: for each field found, where it came from (``jsonld``, ``og``, ``meta``, ``time``)
    origins: dict[str, str] = field(default_factory=dict)
    #: other titles the page gives (``<title>``, ``og:title``, the headline): the body must not start with any
    title_variants: list[str] = field(default_factory=list)
    #: names of the publisher the page gives (never authors, stripped from titles)
    publishers: list[str] = field(default_factory=list)


# -- date-times --------------------------------------------------------------------------------

_TZ_NAMES = {"gmt": 0, "utc": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7, "bst": 1, "cet": 1, "cest": 2}


def parse_datetime(value: object) -> str | None:
    """An ISO 8601 date-time with its UTC offset as the page states it, a date, or ``None``.

    ``2024-02-28T13:06:44.083Z`` -> ``2024-02-28T13:06:44+00:00``; ``2024-02-28 13:06:44 -0500`` ->
    ``2024-02-28T13:06:44-05:00``; a value without an offset stays without one; an RFC 2822
    value (``Wed, 28 Feb 2024 13:06:44 GMT``) is read too. The local time is kept, never moved
    to UTC, so that the date part is the publisher's day.
    """
    if not isinstance(value, str):
        return None
    s = " ".join(value.split())
    if not s:
        return None
    m = re.match(r"^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2}\b|[A-Za-z]{1,4}\b)?", s)
    if m:
        y, mo, d, hh, mm, ss, tz = m.groups()
        try:
            day = dt.date(int(y), int(mo), int(d))
        except ValueError:
            return None
        if hh is None:
            return day.isoformat()
        try:
            local = dt.datetime(day.year, day.month, day.day, int(hh), int(mm), int(ss or 0))
        except ValueError:
            return day.isoformat()
        offset = _offset(tz)
        if offset is not None:
            local = local.replace(tzinfo=dt.timezone(offset))
        elif tz:  # an unknown zone word: keep the day, not a time that could be read wrongly
            return day.isoformat()
        return local.isoformat()
    try:
        parsed = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is not None and s.rstrip().endswith("-0000"):
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.isoformat()


def _offset(tz: str | None) -> dt.timedelta | None:
    if not tz:
        return None
    if tz.lower() in _TZ_NAMES:
        return dt.timedelta(hours=_TZ_NAMES[tz.lower()])
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})?", tz)
    if not m:
        return None
    sign = -1 if m.group(1) == "-" else 1
    minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
    if minutes > 14 * 60:
        return None
    return dt.timedelta(minutes=sign * minutes)


def has_offset(value: str | None) -> bool:
    """Whether an ISO 8601 string carries a time and a UTC offset."""
    return bool(value) and bool(re.search(r"T\d{2}:\d{2}(:\d{2})?(\.\d+)?([+-]\d{2}:\d{2}|Z)$", value or ""))


# -- text helpers -------------------------------------------------------------------------------


def _clean(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str):
        return None
    import html as html_lib

    text = " ".join(html_lib.unescape(value).split())
    return text or None


def _fold(text: str) -> str:
    """Letters and digits only, case-folded (NFKC): for comparing names across spellings."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host[4:] if host and host.startswith("www.") else host


def _host_words(host: str | None) -> set[str]:
    """The distinctive labels of a host: ``edition.cnn.com`` -> ``{"cnn", "edition"}``."""
    if not host:
        return set()
    labels = host.lower().split(".")
    generic = {"www", "com", "co", "org", "net", "uk", "de", "news", "edition", "amp", "m", "int", "gov"}
    return {lab for lab in labels[:-1] if lab not in generic} or set(labels[:1])


# -- titles ---------------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"\s+[|–—\-·»•/:]\s+|\s*[|｜：]\s*|\s+[-–—]\s*(?=[^\s])|(?<=[^\s])\s*[-–—]\s+")
_DATE_SEGMENT = re.compile(r"^\s*(\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}\s+\w+\s+\d{4}|\w+\s+\d{1,2},?\s+\d{4})\s*$")


def _site_like(segment: str, site_names: Iterable[str], host: str | None) -> bool:
    seg = _fold(segment)
    if not seg:
        return True
    if _DATE_SEGMENT.match(segment):
        return True
    for name in site_names:
        f = _fold(name)
        if f and (seg == f or (len(seg) >= 3 and (seg in f or f in seg) and len(segment.split()) <= 6)):
            return True
        if f and seg.removeprefix("the") == f.removeprefix("the"):
            return True
    host_full = _fold(host or "")
    for word in _host_words(host):
        if seg == word or (len(seg) >= 4 and seg in host_full and len(segment.split()) <= 5):
            return True
        if len(word) >= 4 and word in seg and len(segment.split()) <= 4:
            return True
    return False


def clean_title(title: str | None, site_names: Iterable[str] = (), host: str | None = None) -> str | None:
    """``title`` without the site name the page adds to it (at either end, in any script).

    ``"Floods in Valencia | Example News"`` -> ``"Floods in Valencia"``; ``"Title – DW –
    13.06.2023"`` -> ``"Title"``; ``"見出し：朝日新聞デジタル"`` -> ``"見出し"``. Only segments that
    match the page's site name or its domain (or a date) are removed, and never the whole title.
    """
    title = _clean(title)
    if not title:
        return None
    names = [n for n in site_names if n]
    changed = True
    while changed:
        changed = False
        matches = list(_SEPARATORS.finditer(title))
        if not matches:
            break
        last = matches[-1]
        tail = title[last.end() :]
        if tail and _site_like(tail, names, host) and title[: last.start()].strip():
            title, changed = title[: last.start()].rstrip(), True
            continue
        first = matches[0]
        head = title[: first.start()]
        if head and _site_like(head, names, host) and title[first.end() :].strip():
            title, changed = title[first.end() :].lstrip(), True
    return title


# -- authors --------------------------------------------------------------------------------------

_LABEL = re.compile(
    r"^(?:(?:written|reported|posted|story|text|words|photos?)\s+)?(?:by|von|autor(?:in)?|author|authors|de|par|por|di|door|av|af|przez|от)\b\s*:?\s*",
    re.I,
)
_SPLIT = re.compile(r"\s*(?:;|\||&|\+)\s*|\s+(?:and|And|AND|und|og|et|y|e|en|och|i|u\.)\s+")
_ROLE_WORDS = frozenset(
    "reporter correspondent editor writer contributor columnist staff senior chief political economics "
    "business international national foreign diplomatic news desk bureau agency agencies wire wires "
    "redaktion korrespondent korrespondentin team newsroom online digital updated published"
    .split()
)
#: Bylines that name an agency, a desk or the staff, not a person.
_NOT_PEOPLE = re.compile(
    r"^(?:the\s+)?(?:associated press|ap|reuters|afp|agence france[- ]presse|dpa|pa(?: media)?|press association|"
    r"bloomberg(?: news)?|upi|ansa|efe|xinhua|tass|kyodo|cnn wire|ap news)$|\bstaff\b|\breporters?\b$|\beditors?\b$|"
    r"\bdesk\b|\bnewsroom\b|\bredaktion\b|\bagenc(?:y|ies)\b",
    re.I,
)
_TLD = re.compile(r"(?:^|\s|\.)(?:www\s*\.?|[\w-]+\.(?:com|org|net|de|co|uk|fr|es|it|nl|ru|in|au|ca|ch|at|io|info|news|tv|no|se|dk|jp|cn|br))(?:\b|$)", re.I)
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)+$")


def _titlecase_if_shouting(name: str) -> str:
    letters = [c for c in name if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 3:
        return " ".join(w.capitalize() if len(w.rstrip(".")) > 1 else w for w in name.split())
    return name


def _one_name(part: str) -> str | None:
    part = _LABEL.sub("", part.strip(" ,:;-–—·|\t"))
    part = re.sub(r"\s*\([^)]*\)\s*", " ", part)  # "(Reuters)", "(AP)"
    part = re.sub(r"\S+@\S+", "", part)
    part = re.sub(r"https?://\S+", "", part)
    part = re.sub(r"\s+(?:for|für|in|at|from)\s+.*$", "", part, flags=re.I)  # "Jane Doe in Brasília", "for The Times"
    part = " ".join(part.split()).strip(" ,:;-–—·|")
    if part.endswith(".") and not re.search(r"(?:\b[A-Z]|\bJr|\bSr)\.$", part):
        part = part[:-1]
    if not part:
        return None
    if _SLUG.match(part) or "/" in part:
        return None
    if _TLD.search(part) or re.search(r"\b\w+\s+(?:com|de|org|net)$", part, re.I) and part.lower().startswith("www"):
        return None
    words = part.split()
    if len(words) > 6 or not any(c.isalpha() for c in part):
        return None
    if all(w.lower().strip(".,") in _ROLE_WORDS for w in words) or _NOT_PEOPLE.search(part):
        return None
    return _titlecase_if_shouting(part)


def clean_authors(values: Iterable[str], *, publishers: Iterable[str] = (), host: str | None = None) -> list[str]:
    """People named in bylines, cleaned and without repeats.

    Each value may hold several names (``"Jane Doe and John Roe"``, ``"Von A und B"``,
    ``"Jane Doe; jane-doe"``). Removed: labels, the publisher and names of the site or its domain,
    URL slugs, e-mail addresses, roles. A part of one word after a comma is not a name of its own
    (``"Doe, Jane"`` stays one name; ``"Jane Doe, Brazil"`` loses the place).
    """
    pubs = {_fold(p) for p in publishers if p and _fold(p)}
    host_words = _host_words(host)
    host_fold = _fold(host or "")
    out: list[str] = []
    seen: set[str] = set()
    slugs: set[str] = set()
    for value in values:
        value = _clean(value) or ""
        if not value:
            continue
        value = _LABEL.sub("", value)
        parts: list[str] = []
        for chunk in _SPLIT.split(value):
            pieces = [p.strip() for p in chunk.split(",") if p.strip()]
            if len(pieces) == 2 and all(len(p.split()) == 1 for p in pieces):  # "Doe, Jane"
                pieces = [f"{pieces[1]} {pieces[0]}"]
            elif len(pieces) > 1:  # "Jane Doe, Brazil" / "Jane Doe, senior reporter" keep only full names
                pieces = [p for p in pieces if len(p.split()) > 1]
            parts.extend(pieces)
        for part in parts:
            if _SLUG.match(part.strip()):
                slugs.add(part.strip().replace("_", "-").lower())
                continue
            name = _one_name(part)
            if not name:
                continue
            key = _fold(name)
            if not key or key in pubs or key in host_words or key == host_fold or any(
                key == p.removeprefix("the") or p == key.removeprefix("the") for p in pubs
            ):
                continue
            if len(name.split()) == 1 and key in host_fold:
                continue
            if key in seen:
                continue
            seen.add(key)
            out.append(name)
    return out


# -- JSON-LD --------------------------------------------------------------------------------------


def _types(node: dict[str, Any]) -> set[str]:
    t = node.get("@type")
    values = t if isinstance(t, list) else [t]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def _walk(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document that carries a type, depth-first, in order."""
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk(item, depth + 1)
    elif isinstance(data, dict):
        if "@type" in data:
            yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart"):
            if key in data:
                yield from _walk(data[key], depth + 1)


def _load_jsonld(text: str) -> Any:
    text = text.strip()
    text = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", text)
    text = re.sub(r"^\s*<!--|-->\s*$", "", text)
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    try:  # several objects one after another, or a trailing semicolon
        decoder, items, i = json.JSONDecoder(strict=False), [], 0
        while i < len(text):
            while i < len(text) and text[i] in " \t\r\n;,":
                i += 1
            if i >= len(text):
                break
            obj, i = decoder.raw_decode(text, i)
            items.append(obj)
        return items
    except ValueError:
        return None


def _names(value: Any, *, people_only: bool, by_id: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Names in a JSON-LD ``author``/``creator`` value; organisations left out when ``people_only``.

    A reference (``{"@id": ...}``) is looked up in ``by_id``, the nodes of the page's graph.
    """
    out: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and "name" not in item and by_id and item.get("@id") in by_id:
            item = by_id[item["@id"]]
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            types = _types(item)
            if people_only and types and "person" not in types:
                continue
            name = item.get("name")
            if isinstance(name, list):
                name = " ".join(n for n in name if isinstance(n, str))
            if isinstance(name, str):
                out.append(name)
            elif isinstance(name, dict) and isinstance(name.get("@value"), str):
                out.append(name["@value"])
    return out


def _publisher_name(node: dict[str, Any]) -> str | None:
    pub = node.get("publisher")
    if isinstance(pub, list):
        pub = pub[0] if pub else None
    if isinstance(pub, dict):
        return _clean(pub.get("name"))
    return _clean(pub)


def _node_url(node: dict[str, Any]) -> str | None:
    for key in ("url", "mainEntityOfPage", "@id"):
        v = node.get(key)
        if isinstance(v, dict):
            v = v.get("@id") or v.get("url")
        if isinstance(v, str) and v.startswith("http"):
            return v.split("#", 1)[0]
    return None


def _pick_article(nodes: list[dict[str, Any]], canonical: str | None) -> dict[str, Any] | None:
    """The page's own article node: an article type, then the one about this URL, then the fullest."""
    articles = [n for n in nodes if _types(n) & ARTICLE_TYPES and not _types(n) & _NOT_ARTICLE]
    if not articles:
        return None

    def rank(node: dict[str, Any]) -> tuple[int, int, int, int]:
        url = _node_url(node)
        same = int(bool(canonical and url and url.rstrip("/") == canonical.rstrip("/")))
        body = node.get("articleBody")
        return (same, int("headline" in node), int("datePublished" in node), len(body) if isinstance(body, str) else 0)

    return max(articles, key=rank)


# -- the page -------------------------------------------------------------------------------------


def _meta_map(tree: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
        content = el.get("content")
        if key and content is not None and content.strip():
            out.setdefault(key.strip().lower(), []).append(content.strip())
    return out


def _first(meta: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        for value in meta.get(key, []):
            cleaned = _clean(value)
            if cleaned:
                return cleaned
    return None


_PUBLISHED_META = (
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "article.published", "publish-date", "publish_date", "published_time", "pubdate", "dc.date.issued",
    "dcterms.created", "dc.date", "date", "sailthru.date", "parsely-pub-date", "article:published",
)
_MODIFIED_META = (
    "article:modified_time", "og:updated_time", "og:modified_time", "datemodified", "article.updated",
    "last-modified", "dcterms.modified", "modified_time", "article:modified",
)
_AUTHOR_META = (
    "article:author", "article:author_name", "og:article:author", "author", "parsely-author", "sailthru.author",
    "dcsext.author", "dc.creator", "byl", "cxenseparse:author",
)


def _time_in_header(tree: Any, which: str) -> str | None:
    """``<time datetime>`` in the article's header, the published or the updated one."""
    candidates = []
    scopes = tree.xpath("//article//header | //header[.//h1] | //article") or [tree]
    for scope in scopes:
        for el in scope.iter("time"):
            value = el.get("datetime")
            if not value:
                continue
            marks = " ".join(filter(None, [el.get("itemprop"), el.get("class"), el.get("id"), el.getparent().get("class") if el.getparent() is not None else None])).lower()
            marks += " " + " ".join((el.text_content() or "").lower().split()[:3])
            candidates.append((value, marks))
        if candidates:
            break
    updated = re.compile(r"updat|modif|aktualisiert|geändert")
    if which == "modified":
        chosen = [v for v, m in candidates if updated.search(m)]
    else:
        chosen = [v for v, m in candidates if re.search(r"publish|pubdate|datepublished|veröffentlicht", m)]
        chosen = chosen or [v for v, m in candidates if not updated.search(m)]
    return chosen[0] if chosen else None


def _instant(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None and "T" in value else None


def _local_form(value: str, tree: Any, meta: dict[str, list[str]], nodes: list[dict[str, Any]]) -> str | None:
    """The same moment as ``value`` in the publisher's own offset, when the page writes it so elsewhere.

    Many pages give the time in UTC in one place and in local time in another (``<time>``, another
    tag): the local form is the one whose day is the publisher's day. A value without an offset
    takes the offset of another value with the same wall-clock time.
    """
    others: list[str] = [el.get("datetime") for el in tree.iter("time") if el.get("datetime")]
    others += [v for k, vs in meta.items() if re.search(r"date|time|publish|modif", k) for v in vs]
    others += [n[k] for n in nodes for k in ("datePublished", "dateModified", "dateCreated") if isinstance(n.get(k), str)]
    parsed = [p for p in (parse_datetime(o) for o in others) if p and has_offset(p)]
    mine = _instant(value) if has_offset(value) else None
    if mine is None:
        if "T" not in value:
            return None
        same_clock = [p for p in parsed if p[:19] == value[:19]]
        return same_clock[0] if same_clock else None
    if mine.utcoffset() != dt.timedelta(0):
        return None
    for p in parsed:
        other = _instant(p)
        if other is not None and other.utcoffset() != dt.timedelta(0) and abs((other - mine).total_seconds()) < 60:
            return p
    return None


def _h1_texts(tree: Any) -> list[str]:
    out = []
    for el in tree.xpath("//h1"):
        text = _clean(el.text_content())
        if text:
            out.append(text)
    return out


def _overlap(a: str, b: str) -> float:
    """Share of the words of the shorter of ``a`` and ``b`` that the other holds."""
    wa, wb = ({_fold(w) for w in x.split()} - {""} for x in (a, b))
    return len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0


def _similar(a: str, b: str) -> bool:
    fa, fb = _fold(a), _fold(b)
    if not fa or not fb:
        return False
    return fa == fb or (min(len(fa), len(fb)) >= 12 and (fa in fb or fb in fa))


def parse_tree(html: str | bytes) -> Any:
    """An lxml tree of the page (or ``None`` when it cannot be parsed)."""
    import lxml.html

    if isinstance(html, bytes):
        from trafilatura.utils import decode_file

        html = decode_file(html)
    try:
        return lxml.html.document_fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except Exception:  # lxml raises assorted errors on broken or empty documents
        return None


def page_metadata(html: str | bytes | Any, url: str | None = None) -> PageMetadata:
    """What the page declares about itself, in the order of the module docstring.

    ``html`` is the page (text or bytes) or an lxml tree of it; ``url`` where it was found.
    """
    tree = parse_tree(html) if isinstance(html, (str, bytes)) else html
    md = PageMetadata()
    if tree is None:
        return md
    meta = _meta_map(tree)

    canonical = None
    for link in tree.xpath("//link[@rel]"):
        if "canonical" in (link.get("rel") or "").lower().split() and (link.get("href") or "").startswith("http"):
            canonical = link.get("href").strip()
            break
    canonical = canonical or _first(meta, "og:url")
    md.url = canonical or url
    if canonical:
        md.origins["url"] = "link" if canonical != _first(meta, "og:url") else "og"
    host = host_of(md.url or url)

    nodes: list[dict[str, Any]] = []
    for script in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        data = _load_jsonld(script.text or "")
        if data is not None:
            nodes.extend(_walk(data))
    node = _pick_article(nodes, canonical)
    page_nodes = [n for n in nodes if _types(n) & _PAGE_TYPES]
    site_nodes = [n for n in nodes if _types(n) & {"website", "newsmediaorganization", "organization"}]

    publishers: list[str] = []
    if node is not None:
        pub = _publisher_name(node)
        if pub:
            publishers.append(pub)
    for n in site_nodes:
        name = _clean(n.get("name"))
        if name:
            publishers.append(name)
    og_site = _first(meta, "og:site_name", "application-name", "al:ios:app_name", "twitter:site")
    if og_site and og_site.startswith("@"):
        og_site = og_site[1:]
    if og_site:
        publishers.append(og_site)
    md.site_name = _first(meta, "og:site_name") or (publishers[0] if publishers else None)
    if md.site_name:
        md.origins["site_name"] = "og" if _first(meta, "og:site_name") else "jsonld"

    # title
    variants: list[str] = []
    headline = _clean(node.get("headline") or node.get("name")) if node is not None else None
    og_title = _first(meta, "og:title", "twitter:title")
    title_el = tree.find(".//title")
    page_title = _clean(title_el.text_content()) if title_el is not None else None
    for v in (headline, og_title, page_title):
        if v:
            variants.append(v)
    cleaned = [clean_title(v, publishers, host) for v in variants]
    h1s = _h1_texts(tree)
    chosen = None
    for h1 in h1s:
        if any(c and _similar(h1, c) for c in cleaned):
            chosen, md.origins["title"] = clean_title(h1, publishers, host), "h1"
            break
    if chosen is None:
        article_h1 = [_clean(e.text_content()) for e in tree.xpath("//article//h1 | //header//h1 | //main//h1")]
        headline_h1 = [
            h
            for h in (article_h1 or h1s)
            if h and len(h.split()) >= 4 and not _site_like(h, publishers, host) and any(_overlap(h, c) >= 0.3 for c in cleaned if c)
        ]
        if len(set(headline_h1)) == 1:
            chosen, md.origins["title"] = clean_title(headline_h1[0], publishers, host), "h1"
    if chosen is None:
        for c, origin in zip(cleaned, [o for o, v in (("jsonld", headline), ("og", og_title), ("title", page_title)) if v]):
            if c:
                chosen, md.origins["title"] = c, origin
                break
    md.title = chosen
    md.title_variants = [v for v in {*variants, *(c for c in cleaned if c), *h1s[:1]} if v]

    # dates
    def from_node(n: dict[str, Any] | None, key: str) -> str | None:
        return parse_datetime(_clean(n.get(key))) if n is not None else None

    sources = [
        ("jsonld", lambda k: from_node(node, k)),
        ("og", lambda k: parse_datetime(_first(meta, *(_PUBLISHED_META[:3] if k == "datePublished" else _MODIFIED_META[:3])))),
        ("meta", lambda k: parse_datetime(_first(meta, *(_PUBLISHED_META[3:] if k == "datePublished" else _MODIFIED_META[3:])))),
        ("time", lambda k: parse_datetime(_time_in_header(tree, "published" if k == "datePublished" else "modified"))),
        ("jsonld", lambda k: next((d for d in (from_node(n, k) for n in page_nodes) if d), None)),
    ]
    for attr, key in (("published", "datePublished"), ("modified", "dateModified")):
        found = [(origin, value) for origin, get in sources for value in [get(key)] if value]
        if not found:
            continue
        origin, value = found[0]
        # a date without a time, then the same day with a time and offset elsewhere: take the fuller one
        for other_origin, other in found[1:]:
            if other[:10] == value[:10] and has_offset(other) and not has_offset(value):
                origin, value = other_origin, other
                break
        local = _local_form(value, tree, meta, nodes)
        if local:
            value = local
        setattr(md, attr, value)
        md.origins[attr] = origin
    if md.published is None and node is not None:
        created = from_node(node, "dateCreated")
        if created:
            md.published, md.origins["published"] = created, "jsonld"

    # authors
    raw_authors: list[str] = []
    if node is not None:
        by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
        raw_authors = _names(node.get("author"), people_only=True, by_id=by_id) or _names(
            node.get("creator"), people_only=True, by_id=by_id
        )
        md.authors = clean_authors(raw_authors, publishers=publishers, host=host)
        if md.authors:
            md.origins["authors"] = "jsonld"
    if not md.authors:
        for key in _AUTHOR_META:
            values = [v for v in meta.get(key, []) if not v.startswith("http")]
            md.authors = clean_authors(values, publishers=publishers, host=host)
            if md.authors:
                md.origins["authors"] = "meta"
                break
    md.publishers = publishers

    # section, language, description
    md.section = (
        _clean(node.get("articleSection")) if node is not None else None
    ) or _first(meta, "article:section", "section", "parsely-section", "article.section")
    lang = tree.getroottree().getroot().get("lang") or _first(meta, "og:locale", "content-language", "language", "dc.language")
    if node is not None and not lang:
        lang = _clean(node.get("inLanguage"))
    md.language = normalise_language(lang)
    md.description = _first(meta, "description", "og:description") or (_clean(node.get("description")) if node is not None else None)
    return md


def normalise_language(tag: str | None) -> str | None:
    """``"en-US"``, ``"en_GB"``, ``"EN"`` -> ``"en"``; ``None`` for something that is no language tag."""
    if not tag:
        return None
    m = re.match(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$", tag)
    return m.group(1).lower() if m else None


def detect_language(text: str) -> tuple[str | None, float]:
    """The language of ``text`` as an ISO 639-1 code and py3langid's probability (``None`` when too short)."""
    sample = " ".join(text.split())[:3000]
    if len(sample) < 20:
        return None, 0.0
    identifier = _identifier()
    lang, prob = identifier.classify(sample)
    return str(lang), float(prob)


_IDENTIFIER: Any = None


def _identifier() -> Any:
    global _IDENTIFIER
    if _IDENTIFIER is None:
        from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

        _IDENTIFIER = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    return _IDENTIFIER


def strip_leading_title(text: str, titles: Iterable[str]) -> str:
    """``text`` without a first paragraph that only repeats the title (any of ``titles``)."""
    keys = {_fold(t) for t in titles if t and _fold(t)}
    while True:
        first, _, rest = text.partition("\n\n")
        if not rest.strip() or _fold(first) not in keys:
            return text
        text = rest.lstrip("\n")
