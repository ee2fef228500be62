"""The store's schema as an ordered list of migrations.

``PRAGMA user_version`` records how many have been applied. Append new
migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

#: SQLite's full-text index of the articles and the triggers that keep it (PostgreSQL has a tsvector column instead)
_FTS5 = """    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='rowid', tokenize='porter unicode61'
    );
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    END;
    CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
"""

MIGRATIONS: list[str] = [
    # 1: articles, full-text index, analyses, entities, quotes, embeddings, stories
    """
    CREATE TABLE articles (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        published TEXT,
        url TEXT,
        source TEXT,
        author TEXT,
        language TEXT,
        origin TEXT,
        meta TEXT NOT NULL DEFAULT '{}',
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_url ON articles(url);

"""
    + _FTS5
    + """
    CREATE TABLE analyses (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        data TEXT NOT NULL
    );

    CREATE TABLE entities (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        type TEXT NOT NULL
    );
    CREATE INDEX entities_name ON entities(name);

    CREATE TABLE mentions (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        entity_id TEXT NOT NULL REFERENCES entities(id),
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX mentions_entity ON mentions(entity_id);
    CREATE INDEX mentions_article ON mentions(article_id);

    CREATE TABLE quotes (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        kind TEXT NOT NULL,
        speaker TEXT,
        entity_id TEXT,
        channel TEXT,
        text TEXT NOT NULL
    );
    CREATE INDEX quotes_article ON quotes(article_id);
    CREATE INDEX quotes_entity ON quotes(entity_id);

    CREATE TABLE embeddings (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        vector BLOB NOT NULL
    );

    CREATE TABLE threads (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        created_seq INTEGER NOT NULL
    );
    CREATE TABLE events (
        id TEXT PRIMARY KEY,
        thread_id TEXT NOT NULL REFERENCES threads(id),
        title TEXT NOT NULL,
        created_seq INTEGER NOT NULL
    );
    CREATE INDEX events_thread ON events(thread_id);
    CREATE TABLE assignments (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL UNIQUE,
        event_id TEXT NOT NULL REFERENCES events(id),
        thread_id TEXT NOT NULL REFERENCES threads(id),
        duplicate_of TEXT,
        score REAL
    );
    CREATE INDEX assignments_event ON assignments(event_id);
    CREATE INDEX assignments_thread ON assignments(thread_id);
    CREATE TABLE merges (
        old_id TEXT PRIMARY KEY,
        new_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        seq INTEGER NOT NULL
    );
    """,
    # 2: linking features per assigned article (terms for TF-IDF, weighted vector, MinHash signature)
    """
    CREATE TABLE link_features (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        day INTEGER,
        terms TEXT NOT NULL,
        vector TEXT NOT NULL,
        minhash BLOB
    );
    CREATE INDEX link_features_seq ON link_features(seq);
    """,
    # 3: the configurations that wrote into the store, newest last
    """
    CREATE TABLE config_history (
        seq INTEGER PRIMARY KEY,
        recorded_at TEXT NOT NULL,
        config TEXT NOT NULL
    );
    """,
    # 4: article metadata from pages: the people in the byline (JSON list), the modification date-time, the section
    """
    ALTER TABLE articles ADD COLUMN authors TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE articles ADD COLUMN modified TEXT;
    ALTER TABLE articles ADD COLUMN section TEXT;
    """,
    # 5: ingest jobs posted to the web API, with their status and report
    """
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        report TEXT,
        error TEXT
    );
    """,
    # 6: followed threads and what their follower has seen (arrival numbers); watched sources and their state
    """
    CREATE TABLE follows (
        thread_id TEXT PRIMARY KEY,
        followed_at TEXT NOT NULL,
        seen_seq INTEGER NOT NULL,
        seen_at TEXT,
        notified_seq INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE watch_sources (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        next_poll REAL NOT NULL DEFAULT 0,
        last_poll TEXT,
        last_status TEXT,
        last_error TEXT,
        errors INTEGER NOT NULL DEFAULT 0,
        new_articles INTEGER NOT NULL DEFAULT 0,
        polls INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE watch_seen (
        url TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        article_id TEXT,
        seen_at TEXT NOT NULL
    );
    """,
    # 7: claims extracted at ingest (spans into the article text), the keys that find candidate earlier
    # claims (entity name words, dates), the relations between claims, and which articles have been related
    """
    CREATE TABLE claims (
        id TEXT PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        speaker TEXT,
        polarity TEXT NOT NULL,
        date TEXT
    );
    CREATE INDEX claims_article ON claims(article_id);
    CREATE TABLE claim_keys (
        key TEXT NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (key, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX claim_keys_article ON claim_keys(article_id);
    CREATE TABLE claim_relations (
        earlier_claim TEXT NOT NULL,
        later_claim TEXT NOT NULL,
        earlier_article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        later_article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        score REAL NOT NULL,
        cue TEXT,
        PRIMARY KEY (earlier_claim, later_claim)
    );
    CREATE INDEX claim_relations_later ON claim_relations(later_article);
    CREATE INDEX claim_relations_earlier ON claim_relations(earlier_article);
    CREATE TABLE claims_related (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE
    );
    """,
    # 8: each relation carries the one-line reason it was reported for (computed when it is found)
    """
    ALTER TABLE claim_relations ADD COLUMN reason TEXT;
    """,
    # 9: related stories: two threads that share a topic but not their principal actors and places, with the
    # score of the closest match between them and what they share (JSON: actors, places, terms)
    """
    CREATE TABLE related_threads (
        thread_a TEXT NOT NULL,
        thread_b TEXT NOT NULL,
        score REAL NOT NULL,
        shared TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (thread_a, thread_b)
    ) WITHOUT ROWID;
    CREATE INDEX related_threads_b ON related_threads(thread_b);
    """,
    # 10: the first and the last word of each multi-word person name, so that a one-word name finds its
    # full names through an index ("Putin" -> "Vladimir Putin") however many entities the store holds
    """
    CREATE TABLE name_words (
        word TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (word, name)
    ) WITHOUT ROWID;
    WITH RECURSIVE tail(name, rest) AS (
        SELECT name, substr(name, instr(name, ' ') + 1) FROM entities WHERE type = 'PERSON' AND instr(name, ' ') > 0
        UNION ALL
        SELECT name, substr(rest, instr(rest, ' ') + 1) FROM tail WHERE instr(rest, ' ') > 0
    )
    INSERT INTO name_words(word, name)
        SELECT rest, name FROM tail WHERE instr(rest, ' ') = 0
        UNION SELECT substr(name, 1, instr(name, ' ') - 1), name FROM entities WHERE type = 'PERSON' AND instr(name, ' ') > 0
    ON CONFLICT DO NOTHING;
    """,
]


# -- PostgreSQL -------------------------------------------------------------------------------------
# The migrations above are SQLite's. PostgreSQL runs the same list, each through ``for_postgres``: a
# few type names differ (BLOB, REAL, a rowid primary key), and migration 1's FTS5 table and triggers
# are a ``tsvector`` column (generated from title and text) with a GIN index instead. The text search
# configuration ``storyline`` stems English words like FTS5's porter tokenizer and, like it, keeps
# stop words, so that the same queries find the same articles.
POSTGRES_VARIANTS: dict[int, tuple[tuple[str, str], ...]] = {
    1: (
        (
            _FTS5,
            """    CREATE TEXT SEARCH DICTIONARY storyline_stem (TEMPLATE = snowball, Language = english);
    CREATE TEXT SEARCH CONFIGURATION storyline (COPY = english);
    ALTER TEXT SEARCH CONFIGURATION storyline
        ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH storyline_stem;
    ALTER TABLE articles ADD COLUMN fts tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('storyline', title), 'A') || setweight(to_tsvector('storyline', left(text, 100000)), 'B')
    ) STORED;
    CREATE INDEX articles_fts ON articles USING gin (fts);
""",
        ),
        ("rowid INTEGER PRIMARY KEY", "rowid BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    ),
    3: (("seq INTEGER PRIMARY KEY", "seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),),
    10: (("instr(", "strpos("),),
}

#: type names and clauses that PostgreSQL spells otherwise, in every migration
_POSTGRES_WORDS = ((r"\bBLOB\b", "BYTEA"), (r"\bREAL\b", "DOUBLE PRECISION"), (r"\)\s*WITHOUT ROWID", ")"), (r"(?m)^(\s+)end INTEGER", r'\1"end" INTEGER'))


def for_postgres(number: int, script: str) -> str:
    """Migration ``number`` (1-based) as PostgreSQL runs it."""
    import re

    for old, new in POSTGRES_VARIANTS.get(number, ()):
        if old not in script:
            raise ValueError(f"migration {number}: its PostgreSQL variant no longer matches")
        script = script.replace(old, new)
    for pattern, replacement in _POSTGRES_WORDS:
        script = re.sub(pattern, replacement, script)
    return script
