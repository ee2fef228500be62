"""Claims and the relations between them, as stored at ingest (a mixin of :class:`~storyline.store.Store`).

An article's claims are written with its analysis, with the keys (entity name
words, dates) through which a later article finds its candidate earlier claims;
the relations found are stored, and ``claims_related`` marks the articles whose
relations have been computed, so readers know whether the stored relations are
complete for a thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from ..model import Claim, ClaimRelation, Span
from .db import upsert

if TYPE_CHECKING:
    from .db import Database


def _claim(row: Any) -> Claim:
    return Claim(
        span=Span(row["start"], row["end"]),
        text=row["text"],
        article_id=row["article_id"],
        speaker=row["speaker"],
        polarity=row["polarity"],
        date=row["date"],
        id=row["id"],
    )


class ClaimStore:
    """Reads and writes of ``claims``, ``claim_keys``, ``claim_relations`` and ``claims_related``."""

    if TYPE_CHECKING:
        db: Database

    def save_claims(self, article_id: str, claims: Iterable[Claim], keys: Iterable[str]) -> None:
        """Replace the stored claims of ``article_id`` and its candidate keys."""
        self.db.execute("DELETE FROM claims WHERE article_id = ?", (article_id,))
        self.db.execute("DELETE FROM claim_keys WHERE article_id = ?", (article_id,))
        self.db.executemany(
            upsert("claims", ("id", "article_id", "start", "end", "text", "speaker", "polarity", "date"), ("id",)),
            [(c.id, article_id, c.span.start, c.span.end, c.text, c.speaker, c.polarity, c.date) for c in claims],
        )
        self.db.executemany("INSERT INTO claim_keys (key, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING", [(k, article_id) for k in set(keys)])

    def claims_of(self, article_ids: Iterable[str]) -> dict[str, list[Claim]]:
        """Stored claims by article, in text order."""
        ids = list(dict.fromkeys(article_ids))
        out: dict[str, list[Claim]] = {i: [] for i in ids}
        for lo in range(0, len(ids), 500):
            part = ids[lo : lo + 500]
            marks = ",".join("?" * len(part))
            for row in self.db.execute(f"SELECT * FROM claims WHERE article_id IN ({marks}) ORDER BY start", part):
                out[row["article_id"]].append(_claim(row))
        return out

    def candidate_articles(self, keys: Iterable[str], thread_id: str, exclude: str, limit: int) -> list[str]:
        """Articles of ``thread_id`` whose claims share the most keys with ``keys`` (at most ``limit``)."""
        keys = list(set(keys))
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(
            f"""SELECT k.article_id, count(*) AS n FROM claim_keys k JOIN assignments s ON s.article_id = k.article_id
                WHERE k.key IN ({marks}) AND s.thread_id = ? AND k.article_id != ?
                GROUP BY k.article_id ORDER BY n DESC, max(s.seq) DESC LIMIT ?""",
            (*keys, thread_id, exclude, limit),
        ).fetchall()
        return [r[0] for r in rows]

    def save_relations(self, relations: Iterable[ClaimRelation]) -> None:
        self.db.executemany(
            upsert(
                "claim_relations",
                ("earlier_claim", "later_claim", "earlier_article", "later_article", "label", "score", "cue", "reason"),
                ("earlier_claim", "later_claim"),
            ),
            [
                (r.earlier.id, r.later.id, r.earlier.article_id, r.later.article_id, r.label, float(r.score), r.cue, r.reason)
                for r in relations
            ],
        )

    def mark_related(self, article_id: str) -> None:
        self.db.execute("INSERT INTO claims_related (article_id) VALUES (?) ON CONFLICT DO NOTHING", (article_id,))

    def related_count(self, article_ids: Iterable[str]) -> int:
        """How many of ``article_ids`` have had their relations computed."""
        ids = list(article_ids)
        n = 0
        for lo in range(0, len(ids), 500):
            part = ids[lo : lo + 500]
            marks = ",".join("?" * len(part))
            n += int(self.db.execute(f"SELECT count(*) FROM claims_related WHERE article_id IN ({marks})", part).fetchone()[0])
        return n

    def stored_relations(self, article_ids: Iterable[str], labels: Iterable[str] | None = None) -> list[ClaimRelation]:
        """Relations whose later claim is in one of ``article_ids`` and whose earlier one is too (of ``labels`` only,
        when given: a story's restatements outnumber its corrections, and only these are read at a time)."""
        ids = list(article_ids)
        wanted = set(ids)
        kinds = sorted(set(labels)) if labels is not None else []
        if labels is not None and not kinds:
            return []
        only = f" AND label IN ({','.join('?' * len(kinds))})" if kinds else ""
        rows: list[Any] = []
        for lo in range(0, len(ids), 500):
            part = ids[lo : lo + 500]
            marks = ",".join("?" * len(part))
            rows += self.db.execute(f"SELECT * FROM claim_relations WHERE later_article IN ({marks}){only}", [*part, *kinds]).fetchall()
        rows = [r for r in rows if r["earlier_article"] in wanted]
        claim_ids = list({r["earlier_claim"] for r in rows} | {r["later_claim"] for r in rows})
        claims: dict[str, Claim] = {}
        for lo in range(0, len(claim_ids), 500):
            part = claim_ids[lo : lo + 500]
            marks = ",".join("?" * len(part))
            claims.update((row["id"], _claim(row)) for row in self.db.execute(f"SELECT * FROM claims WHERE id IN ({marks})", part))
        return [
            ClaimRelation(
                earlier=claims[r["earlier_claim"]], later=claims[r["later_claim"]], label=r["label"], score=r["score"], cue=r["cue"],
                reason=r["reason"],
            )
            for r in rows
            if r["earlier_claim"] in claims and r["later_claim"] in claims
        ]

    def clear_relations(self) -> None:
        """Forget every stored relation (before they are recomputed)."""
        self.db.execute("DELETE FROM claim_relations")
        self.db.execute("DELETE FROM claims_related")

    def related_article_order(self) -> list[str]:
        """Every assigned article in arrival order (what recomputing relations walks through)."""
        return [r[0] for r in self.db.execute("SELECT article_id FROM assignments ORDER BY seq")]
