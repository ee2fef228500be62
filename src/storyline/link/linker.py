"""Online two-level story linking: articles → events → threads, in arrival order.

For each new article (in date order) the linker

1. finds its nearest earlier articles in the vector index (HNSW, usearch);
2. marks it a near-duplicate (wire copy, re-post) of one of them when their
   embeddings are almost equal and the MinHash estimate of their word-shingle
   Jaccard similarity is high; a duplicate joins its original's event and thread
   and is not counted as an independent source;
3. otherwise scores the events of those neighbours: a blend of embedding cosine
   to the event centroid and TF-IDF cosine to the event's term profile (names,
   places, numbers tell two similar events apart), times a time decay that is
   strong for events (days), less a penalty when a one-article event and the
   new article name years and none in common (and, with ``anchor_penalty``, less
   per anchor on which they differ: the days the article says things happened,
   its principal place, its principal actor); the best event at or above a
   threshold is joined;
4. failing that, it starts a new event and scores the neighbours' threads the
   same way with a lower threshold and a weak decay (months); the best thread at
   or above its threshold gets the new event, else the thread of the nearest
   earlier article when that article alone is close enough, else a new thread
   starts. A young thread (``principal_size``) is a candidate only when its
   principal actors and places (the analysis' entities weighted by headline,
   lead and frequency, times IDF) agree with the article's; one that matches on
   topic but not on who and where is stored as a related story of the thread
   the article ends in.

An article without a single word links to nothing (an empty page embeds like
every other empty page): it starts its own event and thread.

Ids come from the first article (``ev-<article id>``, ``th-<article id>``), so
replaying the same stream gives the same ids and later articles never relabel
earlier ones. Everything is written through the store inside the caller's
transaction; the in-memory state is rebuilt from the store on open (starting
from the snapshot saved on close when the store still matches it) and whenever
the store turns out not to hold what this linker wrote (a rolled-back
transaction).

After each addition the article's thread is compared with its neighbours'
threads; one that has grown into the same story is merged (the smaller into the
larger, at most one per addition so that the rows rewritten per addition stay
few; a fragment of one or two articles needs less similarity than an established
story), and the merge is recorded so that the old id still resolves.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .features import (
    TOP_PRINCIPALS,
    day_number,
    days_differ,
    event_days,
    minhash_permutations,
    minhash_signature,
    minhash_similarity,
    names_of,
    principals_of,
    terms_of,
    years_disjoint,
)
from .index import DIM, VectorIndex, index_path
from .state import PROFILES, RETIRED, Cluster, LinkState, Seen, load_snapshot

if TYPE_CHECKING:
    from storyline.model import Mention, TimeExpression
    from storyline.store import Store


@dataclass(frozen=True)
class Level:
    """How articles are matched to clusters of one level (events or threads).

    score = (embedding · cos(article, centroid) + terms · tfidf-cos + names · names-cos)
            / (embedding + terms + names), times the time decay.
    """

    embedding: float
    terms: float
    names: float
    threshold: float
    grace_days: float
    decay_days: float
    #: exponential decay (events: a happening is over within days) or hyperbolic
    #: (threads: a story can come back after years, with weaker evidence needed the closer it is)
    hyperbolic: bool = False

    def decay(self, days: float) -> float:
        """1 within ``grace_days``, then decaying with constant ``decay_days``."""
        late = max(0.0, days - self.grace_days) / self.decay_days
        return 1.0 / (1.0 + late) if self.hyperbolic else math.exp(-late)

    def blend(self, embedding: float, terms: float, names: float) -> float:
        """The level's weighted mean of the three cosines."""
        total = self.embedding + self.terms + self.names
        return (self.embedding * embedding + self.terms * terms + self.names * names) / total

    def similarity(self, cluster: "Cluster", vector: np.ndarray, weights: Mapping[str, Mapping[str, float]]) -> float:
        terms = cluster.terms.cosine(weights.get("terms", {})) if self.terms else 0.0
        names = cluster.names.cosine(weights.get("names", {})) if self.names else 0.0
        return self.blend(cluster.embedding_cosine(vector), terms, names)


@dataclass(frozen=True)
class LinkConfig:
    """The linker's settings; the defaults hold for event-level and thread-level data alike."""

    neighbours: int = 30
    #: events: one happening; specific names matter and the decay is days
    event: Level = Level(embedding=0.4, terms=0.25, names=0.25, threshold=0.45, grace_days=3.0, decay_days=7.0)
    #: threads: the long-running story; topic similarity matters and the decay is weak (years)
    thread: Level = Level(
        embedding=0.7, terms=0.3, names=0.0, threshold=0.28, grace_days=30.0, decay_days=730.0, hyperbolic=True
    )
    #: two threads whose profiles come this close are merged (the smaller into the larger)
    thread_merge: float = 0.4
    #: a thread of at most ``small_thread`` articles merges at this lower similarity: its profile
    #: rests on one or two articles, while two established stories need the stronger evidence above
    thread_merge_small: float = 0.35
    small_thread: int = 2
    #: a new event whose nearest earlier article is at least this close (embedding cosine, times the
    #: thread decay) joins that article's thread although the thread's centroid is further away: a
    #: long story drifts, and a new turn of it resembles its latest articles more than its average
    thread_nearest: float = 0.5
    #: at most this many thread merges per addition (each rewrites the smaller thread's rows)
    max_merges: int = 1
    #: an event of at most ``year_conflict_size`` articles whose names share no year with the new
    #: article's (both naming some) scores this much less: the first two reports decide what an event
    #: is, and two similar happenings years apart read alike but for their dates
    year_conflict_penalty: float = 0.1
    year_conflict_size: int = 1
    #: who and where: a thread takes a new event (and two threads merge) only when their principal actors and
    #: places agree at least this much (mean cosine of the actor and place profiles both sides have); a thread
    #: that matches on topic but not on who and where is recorded as a related story instead
    principal_agreement: float = 0.05
    #: the gate applies while a thread has at most this many articles: its first reports decide who and
    #: where a story is about; an established story's profile is broad and its later turns bring new names
    principal_size: int = 50
    #: an event scores ``anchor_penalty`` less for each of when, where, who on which the new article differs
    #: from it: no day named within ``anchor_days`` of the event's, or neither's principal actor (place) named
    #: by the other; a second happening of one kind differs on at least one
    anchor_penalty: float = 0.0
    #: anchors apply to events of at most this many articles (the first reports decide what an event is)
    anchor_size: int = 2
    anchor_days: int = 2
    #: related stories kept per thread pair and shown: the shared keys listed with each
    related_shared: int = 6
    #: near-duplicates: embedding cosine and estimated shingle Jaccard at least
    duplicate_cosine: float = 0.9
    duplicate_jaccard: float = 0.6
    #: terms kept in a thread's and in an event's profile
    profile_terms: int = 200
    event_profile_terms: int = 80
    #: events this many days older than the newest article can no longer be joined (decay < 0.001):
    #: their centroids and profiles are dropped from memory, which bounds it on a long stream
    event_horizon_days: float = 60.0
    #: save the on-disk index after this many additions (and on close)
    save_every: int = 1000


@dataclass
class LinkItem:
    """What the linker needs of a new article."""

    article_id: str
    embedding: np.ndarray
    title: str = ""
    text: str = ""
    published: str | None = None
    source: str | None = None
    entities: list[str] = field(default_factory=list)
    #: the analysis' entity mentions (principal actors and places) and time expressions (event days)
    mentions: "Sequence[Mention]" = ()
    timexes: "Sequence[TimeExpression]" = ()


@dataclass(frozen=True)
class Assignment:
    """Where an article went: its event, thread, the original it copies, and the match score."""

    article_id: str
    seq: int
    event_id: str
    thread_id: str
    duplicate_of: str | None = None
    score: float | None = None


#: how often (in articles) old events are retired
RETIRE_EVERY = 1000


class Linker:
    """Assigns each new article to an event and a thread, online, with stable ids."""

    def __init__(self, store: "Store", config: LinkConfig | None = None):
        self.store = store
        self.config = config or LinkConfig()
        self.index = VectorIndex(index_path(store))
        self.index_action = ""
        minhash_permutations()  # import datasketch and draw the permutations now, not in the first add
        self._load()

    # -- state ------------------------------------------------------------------------------
    def _reset(self) -> None:
        self.state = LinkState()
        #: whether the state changed since the last snapshot
        self._unsaved = False

    def _load(self) -> None:
        """Rebuild the in-memory state from the store, then open (or rebuild) the index.

        A state snapshot saved beside the index on close is used when the store
        still holds exactly what it was taken from; only later assignments are
        then replayed. Otherwise the whole history is replayed from the store,
        the source of truth.
        """
        self._reset()
        self._related: dict[str, tuple[float, Mapping[str, Mapping[str, float]]]] = {}
        after = self._restore()
        self._unsaved = after == 0
        for row in self.store.link_history(after):
            self._unsaved = True
            self.state.df.add(row["terms"])
            vec = row["vector"]
            self._remember(
                row["seq"],
                row["article_id"],
                row["event_id"],
                row["thread_id"],
                row["duplicate_of"],
                None if vec is None else np.asarray(vec, dtype=np.float32),
                row["day"],
                row["weights"],
            )
        self._retire()
        self.index_action = self.index.open(self.store)
        # The loaded state is long-lived: keep the cyclic collector from walking it on every
        # full collection, which would otherwise stall an add for tens of milliseconds.
        gc.collect()
        gc.freeze()

    def _remember(
        self,
        seq: int,
        article_id: str,
        event_id: str,
        thread_id: str,
        duplicate_of: str | None,
        vector: np.ndarray | None,
        day: int | None,
        weights: Mapping[str, Mapping[str, float]],
    ) -> None:
        """Fold one assigned article into the in-memory state (document frequencies aside)."""
        keep = self.config.profile_terms
        self.state.seen[seq] = Seen(article_id, event_id, duplicate_of or article_id)
        self.state.next_seq = max(self.state.next_seq, seq + 1)
        event = self.state.events.get(event_id)
        if event is None:
            event = self.state.events[event_id] = Cluster(event_id, np.zeros(DIM, np.float32), thread_id=thread_id, created=seq)
        thread = self.state.threads.get(thread_id)
        if thread is None:
            thread = self.state.threads[thread_id] = Cluster(thread_id, np.zeros(DIM, np.float32), created=seq)
        if event.n == 0 and event_id not in thread.members:
            thread.members.append(event_id)
        if duplicate_of is None and vector is not None:
            event.add(vector, weights, day, self.config.event_profile_terms)
            thread.add(vector, weights, day, keep)
        if day is not None and (self.state.newest_day is None or day > self.state.newest_day):
            self.state.newest_day = day
        self.state.since_retire += 1
        if self.state.since_retire >= RETIRE_EVERY:
            self._retire()

    def _closed(self, event: Cluster) -> bool:
        """Whether an event is past joining: its last article lies beyond the horizon of the newest one.

        A rule on the state alone, so a replay and a reload close the same events.
        """
        if event.retired:
            return True
        if event.last_day is None or self.state.newest_day is None:
            return False
        return event.last_day < self.state.newest_day - self.config.event_horizon_days

    def _retire(self) -> None:
        """Drop the centroids and profiles of closed events (memory only; they cannot be joined)."""
        self.state.since_retire = 0
        for ev in self.state.events.values():
            if not ev.retired and self._closed(ev):
                ev.retired = True
                ev.vsum = RETIRED
                ev.clear_profiles()

    def close(self) -> None:
        """Save the on-disk index and the state snapshot (the store itself is the caller's).

        The snapshot is written here only, not every ``save_every`` additions: at
        100,000 articles it takes seconds, too long a stall inside ``add``; after a
        crash the state is replayed from the store instead.
        """
        self.index.save()
        if self._unsaved and self.state_path is not None:
            self.state.save(self.state_path)
        self._unsaved = False

    @property
    def state_path(self) -> str | None:
        return None if self.index.path is None else self.index.path + ".state.json"

    def _restore(self) -> int:
        """Load the state snapshot if it matches the store; returns the arrival number it covers (0: none)."""
        snap = load_snapshot(self.state_path) if self.state_path else None
        if snap is None:
            return 0
        last, count = int(snap["last_seq"]), int(snap["count"])
        if last <= 0 or self.store.link_seq_article(last) != snap["last_article"]:
            return 0
        if self.store.link_count(last) != count or self.store.link_merges_after(last):
            return 0
        self.state = LinkState.from_snapshot(snap)
        return last

    def __enter__(self) -> "Linker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- linking ----------------------------------------------------------------------------
    def add(self, item: LinkItem) -> Assignment:
        """Assign one new article (call in date order, inside the caller's store transaction)."""
        done = self.store.assignment(item.article_id)
        if done is not None:
            return Assignment(
                done["article_id"], done["seq"], done["event_id"], done["thread_id"], done["duplicate_of"], done["score"]
            )
        seq = self.store.next_seq()
        if seq != self.state.next_seq:  # the store lost (rolled back) or gained assignments behind our back
            self._load()
            seq = self.store.next_seq()
        vector = np.asarray(item.embedding, dtype=np.float32).reshape(-1)
        norm = float(np.linalg.norm(vector))
        if norm:
            vector = vector / norm
        day = day_number(item.published)
        terms = terms_of(item.title, item.text)
        names = names_of(item.title, item.text, item.entities)
        actors, places = principals_of(item.title, item.text, ((m.canonical, m.label, m.span[0]) for m in item.mentions))
        keys = set(terms) | set(names) | set(actors) | set(places)
        self.state.df.add(keys)
        weights = {
            "terms": self.state.df.weigh(terms),
            "names": self.state.df.weigh(names),
            "actors": self.state.df.weigh(actors, TOP_PRINCIPALS),
            "places": self.state.df.weigh(places, TOP_PRINCIPALS),
            "when": {d: 1.0 for d in event_days((t.value, t.span[0]) for t in item.timexes if t.type == "DATE")},
        }
        self._related = {}
        minhash = minhash_signature(f"{item.title}\n{item.text}")
        found, sims = self.index.search(vector, self.config.neighbours)
        neighbours = [(int(k), float(s)) for k, s in zip(found, sims) if int(k) in self.state.seen]

        if not terms and not names:  # no words to go on: an embedding of nothing is like every other
            neighbours = []
        duplicate_of, event_id, thread_id, score = self._duplicate(neighbours, minhash)
        new_event = new_thread = False
        if duplicate_of is None:
            event_id, score = self._best(neighbours, vector, weights, day, level="event")
            if event_id is not None:
                thread_id = self.state.events[event_id].thread_id
            else:
                new_event = True
                event_id = f"ev-{item.article_id}"
                thread_id, score = self._best(neighbours, vector, weights, day, level="thread")
                if thread_id is None:
                    thread_id, score = self._nearest_thread(neighbours, day, weights)
                if thread_id is None:
                    new_thread = True
                    thread_id = f"th-{item.article_id}"
        assert event_id is not None and thread_id is not None
        title = item.title or item.text[:80]
        if new_thread:
            self.store.create_thread(thread_id, title, seq)
        if new_event:
            self.store.create_event(event_id, thread_id, title, seq)
        if self.store.embedding(item.article_id) is None:
            self.store.save_embedding(item.article_id, vector)
        self.store.assign(item.article_id, seq, event_id, thread_id, duplicate_of, score)
        self.store.save_link_features(item.article_id, seq, day, sorted(keys), weights, minhash)
        self._remember(seq, item.article_id, event_id, thread_id, duplicate_of, vector, day, weights)
        self.index.add(seq, item.article_id, vector)
        self._unsaved = True
        if duplicate_of is None:
            thread_id = self._consolidate(thread_id, neighbours, seq)
            self._record_related(thread_id, seq)
        if self.index.dirty >= self.config.save_every:
            self.index.save()
        return Assignment(item.article_id, seq, event_id, thread_id, duplicate_of, score)

    def _duplicate(
        self, neighbours: list[tuple[int, float]], minhash: bytes | None
    ) -> tuple[str | None, str | None, str | None, float | None]:
        """(original id, its event, its thread, similarity) when the article copies a neighbour."""
        if minhash is None:
            return None, None, None, None
        for seq, sim in neighbours:
            if sim < self.config.duplicate_cosine:
                continue
            seen = self.state.seen[seq]
            other = self.store.link_minhash(seen.article_id)
            if other is None:
                continue
            jac = minhash_similarity(minhash, other)
            if jac >= self.config.duplicate_jaccard:
                return seen.root, seen.event_id, self._thread_of(seq), round(jac, 4)
        return None, None, None, None

    def _best(
        self,
        neighbours: list[tuple[int, float]],
        vector: np.ndarray,
        weights: Mapping[str, Mapping[str, float]],
        day: int | None,
        level: str,
    ) -> tuple[str | None, float | None]:
        """The best scoring event (or thread) among the neighbours', if it clears the threshold."""
        lv = self.config.event if level == "event" else self.config.thread
        pool = self.state.events if level == "event" else self.state.threads
        ids = {self.state.seen[s].event_id if level == "event" else self._thread_of(s) for s, _ in neighbours}
        best, best_score = None, -1.0
        for cid in sorted(ids):
            cl = pool[cid]
            if cl.n == 0 or (level == "event" and self._closed(cl)):
                continue
            s = lv.similarity(cl, vector, weights) * lv.decay(cl.days_apart(day))
            if level == "event":
                if self._years_conflict(cl, weights):
                    s -= self.config.year_conflict_penalty
                s -= self.config.anchor_penalty * self._differs(cl, weights)
            elif not self._agrees(cl, weights, s, weights):
                continue
            if s > best_score:
                best, best_score = cid, s
        if best is None or best_score < lv.threshold:
            return None, None
        return best, round(best_score, 4)

    def _nearest_thread(
        self, neighbours: list[tuple[int, float]], day: int | None, weights: Mapping[str, Mapping[str, float]]
    ) -> tuple[str | None, float | None]:
        """The thread of the nearest earlier article, when it is close enough on its own."""
        lv = self.config.thread
        best, best_score = None, -1.0
        for seq, sim in neighbours:
            tid = self._thread_of(seq)
            th = self.state.threads.get(tid)
            if th is None or th.n == 0:
                continue
            s = sim * lv.decay(th.days_apart(day))
            if s > best_score and self._agrees(th, weights, -1.0, weights):
                best, best_score = tid, s
        if best is None or best_score < self.config.thread_nearest:
            return None, None
        return best, round(best_score, 4)

    def _years_conflict(self, event: Cluster, weights: Mapping[str, Mapping[str, float]]) -> bool:
        """Whether a small event and a new article name years and none in common."""
        if event.n > self.config.year_conflict_size:
            return False
        return years_disjoint(weights.get("names", {}), event.names.weights)

    def _agreement(self, cluster: Cluster, weights: Mapping[str, Mapping[str, float]]) -> float | None:
        """Mean cosine of the actor and place profiles that both sides have (``None``: no principals to compare)."""
        sims = [
            getattr(cluster, k).cosine(weights[k]) for k in ("actors", "places") if weights.get(k) and getattr(cluster, k).norm
        ]
        return sum(sims) / len(sims) if sims else None

    def _agrees(
        self,
        thread: Cluster,
        weights: Mapping[str, Mapping[str, float]],
        score: float,
        query: Mapping[str, Mapping[str, float]],
        size: int | None = None,
    ) -> bool:
        """Whether a thread's principal actors and places agree with an article's (or another thread's).

        A thread that matches on topic (``score`` at the thread threshold) but not on who and where is
        remembered as a related story of whichever thread the article ends in. The gate holds while the
        thread (``size``: the smaller of two threads that may merge) has at most ``principal_size`` articles.
        """
        if (thread.n if size is None else size) > self.config.principal_size:
            return True
        agreement = self._agreement(thread, weights)
        if agreement is None or agreement >= self.config.principal_agreement:
            return True
        if score >= self.config.thread.threshold:
            previous = self._related.get(thread.id)
            if previous is None or previous[0] < score:
                self._related[thread.id] = (score, query)
        return False

    def _differs(self, event: Cluster, weights: Mapping[str, Mapping[str, float]]) -> int:
        """On how many of when, where and who an article differs from an event (each side naming some)."""
        if event.n > self.config.anchor_size:
            return 0
        n = int(days_differ(weights.get("when", {}), event.when.weights, self.config.anchor_days))
        for k in ("places", "actors"):
            mine, theirs = weights.get(k), getattr(event, k).weights
            if mine and theirs and _apart(mine, theirs, 1):
                n += 1
        return n

    def _record_related(self, thread_id: str, seq: int) -> None:
        """Store the topic matches that the principal gate kept apart from the article's thread."""
        here = self.state.threads.get(thread_id)
        for other_id, (score, query) in sorted(self._related.items()):
            other = self.state.threads.get(other_id)
            if other is None or here is None or other_id == thread_id:
                continue
            shared = {
                k: _shared(getattr(other, k).weights, query.get(k, {}), self.config.related_shared)
                for k in ("actors", "places", "terms")
            }
            self.store.relate_threads(thread_id, other_id, score, shared, seq)
        self._related = {}

    def _thread_of(self, seq: int) -> str:
        """The thread an assigned article is in now (through its event, so merges show)."""
        return self.state.events[self.state.seen[seq].event_id].thread_id or ""

    # -- consolidation ----------------------------------------------------------------------
    def _consolidate(self, thread_id: str, neighbours: list[tuple[int, float]], seq: int) -> str:
        """Merge the neighbours' threads that have grown into this one; returns the surviving id.

        Two threads started apart (say, before and after the story broke) can
        become the same story; the smaller is merged into the larger (the older on
        a tie), all its articles and events move, and the merge is recorded so the
        old id resolves. Moving the smaller side bounds the rows rewritten per add.
        """
        lv = self.config.thread
        here = self.state.threads[thread_id]
        others = sorted({self._thread_of(s) for s, _ in neighbours} - {thread_id})
        centroid, profile = self._query_of(here)
        merged = 0
        for other_id in others:
            if merged >= self.config.max_merges:
                break
            other = self.state.threads.get(other_id)
            if other is None or other.n == 0 or here.n == 0:
                continue
            gap = other.days_apart(here.first_day) if here.last_day is None else _range_gap(here, other)
            sim = lv.similarity(other, centroid, profile) * lv.decay(gap)
            if sim < self._merge_threshold(here, other) or not self._agrees(other, profile, sim, profile, min(here.n, other.n)):
                continue
            # the larger story survives (fewer rows move: union by size), the older on a tie
            merged += 1
            keep_id, drop_id = sorted(
                (thread_id, other_id), key=lambda t: (-self.state.threads[t].n, self.state.threads[t].created, t)
            )
            self._merge_threads(keep_id, drop_id, seq)
            thread_id, here = keep_id, self.state.threads[keep_id]
            centroid, profile = self._query_of(here)
        return thread_id

    def _merge_threshold(self, a: Cluster, b: Cluster) -> float:
        """The similarity two threads need to merge: lower when the smaller is a fragment."""
        if min(a.n, b.n) <= self.config.small_thread:
            return self.config.thread_merge_small
        return self.config.thread_merge

    @staticmethod
    def _query_of(cluster: Cluster) -> tuple[np.ndarray, dict[str, dict[str, float]]]:
        """A cluster as if it were one article: unit centroid and unit profiles."""
        centroid = cluster.vsum / max(float(np.linalg.norm(cluster.vsum)), 1e-12)
        return centroid, {name: _unit(getattr(cluster, name).weights) for name in PROFILES}

    def _merge_threads(self, keep_id: str, drop_id: str, seq: int) -> None:
        """Move everything of thread ``drop_id`` into ``keep_id``, in the store and in memory."""
        self.store.merge_threads(drop_id, keep_id, seq)
        dropped = self.state.threads.pop(drop_id)
        keep = self.state.threads[keep_id]
        keep.absorb(dropped, self.config.profile_terms)
        for event_id in dropped.members:
            self.state.events[event_id].thread_id = keep_id
        keep.members.extend(dropped.members)


def _unit(weights: Mapping[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    return {t: v / norm for t, v in weights.items()}


def _principals(weights: Mapping[str, float], top: int) -> list[str]:
    """The ``top`` strongest keys of a sparse vector (in key order on a tie)."""
    return [k for k, _ in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]


def _apart(a: Mapping[str, float], b: Mapping[str, float], top: int) -> bool:
    """Whether neither vector names any of the other's ``top`` principal keys."""
    return not any(k in b for k in _principals(a, top)) and not any(k in a for k in _principals(b, top))


def _shared(a: Mapping[str, float], b: Mapping[str, float], top: int) -> list[str]:
    """The keys two sparse vectors share, strongest product first (entity keys without their ``@``)."""
    both = sorted((-a[k] * b[k], k) for k in a.keys() & b.keys())
    return [k.lstrip("@") for _, k in both[:top]]


def _range_gap(a: Cluster, b: Cluster) -> float:
    """Days between two clusters' date ranges (0 when they overlap or one is undated)."""
    if None in (a.first_day, a.last_day, b.first_day, b.last_day):
        return 0.0
    assert a.first_day is not None and a.last_day is not None and b.first_day is not None and b.last_day is not None
    return float(max(0, max(a.first_day, b.first_day) - min(a.last_day, b.last_day)))
