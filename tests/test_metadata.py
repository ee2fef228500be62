"""Page metadata: each kind of miss seen on real pages, on a small page made for it."""

from __future__ import annotations

import json

import pytest

from storyline.ingest.html import extract_html
from storyline.ingest.metadata import clean_authors, clean_title, page_metadata, parse_datetime

BODY = "".join(
    f"<p>Paragraph {i} of the report says that the council met on Tuesday and voted on the new budget for the city.</p>"
    for i in range(6)
)


def page(head: str = "", header: str = "", lang: str = "en", body: str = BODY) -> str:
    return f"<!doctype html><html lang='{lang}'><head>{head}</head><body><article><header>{header}</header>{body}</article></body></html>"


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


# -- dates ---------------------------------------------------------------------------------------


def test_jsonld_date_beats_a_stale_analytics_tag():
    html = page(
        '<meta name="parsely-pub-date" content="2019-05-01T10:00:00Z">'
        + ld({"@type": "NewsArticle", "headline": "Council votes", "datePublished": "2024-02-28T13:06:44-05:00"})
    )
    assert page_metadata(html).published == "2024-02-28T13:06:44-05:00"


def test_photo_date_in_jsonld_is_not_the_articles():
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "ImageObject", "datePublished": "2011-01-01T00:00:00Z", "name": "A photo"},
            {"@type": "BreadcrumbList", "itemListElement": []},
            {"@type": "ReportageNewsArticle", "headline": "Council votes", "datePublished": "2024-02-28T08:00:00+01:00"},
        ],
    }
    assert page_metadata(page(ld(graph))).published == "2024-02-28T08:00:00+01:00"


def test_jsonld_list_of_nodes_is_read():
    nodes = [{"@type": "WebSite", "name": "Example"}, {"@type": "Article", "headline": "T", "datePublished": "2024-03-01"}]
    assert page_metadata(page(ld(nodes))).published == "2024-03-01"


def test_caption_date_in_text_is_not_the_publication_date():
    body = "<figure><figcaption>Photo taken 12 May 2009</figcaption></figure>" + BODY
    html = page('<meta property="article:published_time" content="2024-02-28T09:00:00+00:00">', body=body)
    assert extract_html(html).published == "2024-02-28T09:00:00+00:00"


def test_updated_time_is_not_the_published_one():
    header = '<time class="updated" datetime="2024-03-02T10:00:00+01:00">Updated</time><time class="published" datetime="2024-03-01T18:30:00+01:00">Published</time>'
    md = page_metadata(page(header=header + "<h1>Council votes on the budget</h1>"))
    assert md.published == "2024-03-01T18:30:00+01:00"
    assert md.modified == "2024-03-02T10:00:00+01:00"


def test_print_edition_day_is_not_the_publication_day():
    html = page(
        '<meta name="dc.date" content="2024-03-11">'
        + ld({"@type": "NewsArticle", "headline": "T", "datePublished": "2024-03-01T06:00:00.000-05:00"})
    )
    assert page_metadata(html).published == "2024-03-01T06:00:00-05:00"


def test_utc_time_takes_the_publishers_offset_when_the_page_gives_it():
    # 00:25 UTC is the evening before in New York: the publisher's day is the 28th
    html = page(
        ld({"@type": "Article", "headline": "T", "datePublished": "2024-02-29T00:25:36+00:00"}),
        header='<time datetime="2024-02-28T19:25:36-05:00">February 28, 2024</time>',
    )
    article = extract_html(html)
    assert article.published == "2024-02-28T19:25:36-05:00"
    assert article.date == "2024-02-28"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-02-28T13:06:44.083Z", "2024-02-28T13:06:44+00:00"),
        ("2024-02-28 13:06:44 -0500", "2024-02-28T13:06:44-05:00"),
        ("2024-02-28T21:36+0000", "2024-02-28T21:36:00+00:00"),
        ("Wed, 28 Feb 2024 13:06:44 GMT", "2024-02-28T13:06:44+00:00"),
        ("2024-02-28", "2024-02-28"),
        ("not a date", None),
    ],
)
def test_datetimes_keep_their_offset(value, expected):
    assert parse_datetime(value) == expected


# -- titles --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title, site, host, expected",
    [
        ("Floods in Valencia | Example News", "Example News", "example.com", "Floods in Valencia"),
        ("Germany debates pensions – DW – 13.06.2023", "Deutsche Welle", "dw.com", "Germany debates pensions"),
        ("Monsoon arrives early - Times of India", "The Times of India", "timesofindia.indiatimes.com", "Monsoon arrives early"),
        ("首相が会見：朝日新聞デジタル", "朝日新聞デジタル", "asahi.com", "首相が会見"),
        ("Ex-CFO to plead guilty -NYT", "Reuters", "reuters.com", "Ex-CFO to plead guilty -NYT"),
    ],
)
def test_title_loses_the_site_name(title, site, host, expected):
    assert clean_title(title, [site], host) == expected


def test_body_does_not_start_with_its_title():
    body = "<h1>Council votes on the budget</h1><p>Council votes on the budget</p>" + BODY
    html = page("<title>Council votes on the budget | City Times</title><meta property='og:site_name' content='City Times'>", body=body)
    article = extract_html(html)
    assert article.title == "Council votes on the budget"
    assert not article.text.startswith("Council votes on the budget")


# -- authors -------------------------------------------------------------------------------------


def test_publisher_is_not_an_author():
    node = {
        "@type": "NewsArticle",
        "headline": "T",
        "publisher": {"@type": "Organization", "name": "City Times"},
        "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Organization", "name": "City Times"}, {"@type": "Person", "name": "City Times"}],
    }
    assert page_metadata(page(ld(node))).authors == ["Jane Doe"]


def test_url_slug_beside_a_name_is_dropped():
    assert clean_authors(["Sophie Foster; Sophie-Foster"]) == ["Sophie Foster"]


def test_names_are_not_cut_in_two():
    assert clean_authors(["Rachel Smith, Brazil"]) == ["Rachel Smith"]
    assert clean_authors(["Doe, Jane"]) == ["Jane Doe"]


def test_domains_are_not_names():
    assert clean_authors(["The Washington Times https://www.washingtontimes.com; Www Washingtontimes Com; Kerry Picket"], publishers=["The Washington Times"], host="washingtontimes.com") == ["Kerry Picket"]
    assert clean_authors(["Mdr De"], host="mdr.de") == []


def test_labels_are_removed_and_lists_split():
    assert clean_authors(["Von Anna Schmidt und Peter Müller"]) == ["Anna Schmidt", "Peter Müller"]
    assert clean_authors(["Autor: Kari Nordmann og Ola Nordmann"]) == ["Kari Nordmann", "Ola Nordmann"]
    assert clean_authors(["By Jane Doe and John Roe"]) == ["Jane Doe", "John Roe"]


def test_initials_keep_their_dots():
    assert clean_authors(["By J.K. Rowling"]) == ["J.K. Rowling"]
    assert clean_authors(["E. J. Dionne Jr."]) == ["E. J. Dionne Jr."]


def test_agencies_and_staff_are_not_people():
    assert clean_authors(["The Associated Press"]) == []
    assert clean_authors(["Guardian staff reporter", "Alice Robb"]) == ["Alice Robb"]


def test_author_reference_in_a_graph_is_followed():
    graph = {
        "@graph": [
            {"@type": "Article", "headline": "T", "author": {"@id": "https://x.example/#p1"}},
            {"@type": "Person", "@id": "https://x.example/#p1", "name": "Stephanie Bazzle"},
        ]
    }
    assert page_metadata(page(ld(graph))).authors == ["Stephanie Bazzle"]


# -- language and the rest ---------------------------------------------------------------------


def test_language_is_detected_from_the_text():
    german = "".join(
        f"<p>Der Stadtrat hat am Dienstag über den neuen Haushalt der Stadt abgestimmt, Absatz {i}, und die Mehrheit war deutlich.</p>"
        for i in range(6)
    )
    assert extract_html(page(lang="en", body=german)).language == "de"
    assert extract_html(page(body=BODY)).language == "en"


def test_site_name_canonical_url_and_section():
    head = (
        "<link rel='canonical' href='https://citytimes.example/politics/council-votes'>"
        "<meta property='og:site_name' content='City Times'><meta property='article:section' content='Politics'>"
    )
    article = extract_html(page(head))
    assert article.source == "City Times"
    assert article.url == "https://citytimes.example/politics/council-votes"
    assert article.section == "Politics"


def test_page_with_text_but_no_title_or_date_is_fine():
    article = extract_html(page(body=BODY))
    assert article.text and article.published is None


def test_old_store_rows_read_and_new_fields_round_trip(tmp_path):
    from storyline.model import Article
    from storyline.store import Store

    store = Store(tmp_path / "s.db")
    a = Article(title="T", text="Body text.", authors=["Jane Doe"], author="Jane Doe", modified="2024-03-01T10:00:00+01:00", section="Politics")
    with store.transaction():
        store.add_article(a)
    back = store.article(a.id)
    assert back.authors == ["Jane Doe"] and back.modified == "2024-03-01T10:00:00+01:00" and back.section == "Politics"


def test_non_english_article_skips_english_only_analysers():
    from storyline.analyze import Pipeline
    from storyline.model import Article

    text = "Der Bürgermeister sagte am Dienstag: „Wir werden den Haushalt am 3. März 2024 beschließen.“ Die Stadt plant neue Schulen."
    german = Article(title="Haushalt", text=text, published="2024-03-01", language="de")
    analysis = Pipeline()(german)
    assert "quotes" not in analysis.analysers and "entities" not in analysis.analysers
    assert analysis.quotes == [] and analysis.entities == []
    assert "timexes" in analysis.analysers
    english = Pipeline()(Article(title="Budget", text='The mayor said on Tuesday: "We will pass the budget."', language="en"))
    assert "quotes" in english.analysers
