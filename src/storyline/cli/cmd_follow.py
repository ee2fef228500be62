"""``storyline follow ID``, ``unfollow ID`` and ``news [ID]``: follow stories and see what is new in them."""

from __future__ import annotations

from typing import Optional

import typer

from ._common import DB_OPTION, JSON_OPTION, fail, print_json


def _store(db: str | None):
    from ..errors import StorylineError
    from ..store import Store

    try:
        return Store(db)
    except StorylineError as exc:
        fail(str(exc))


def _thread_id(store, story_id: str) -> str:
    thread = store.thread(story_id)
    if thread is None:
        parent = store.event_thread(store.resolve(story_id))
        if parent is None:
            fail(f"story {story_id!r}: no such thread or event in {store.name} (see `storyline stories`)")
        return parent
    return thread.id


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @app.command()
    def follow(story_id: str = typer.Argument(..., help="A thread (or event) id."), db: Optional[str] = DB_OPTION) -> None:
        """Follow a story: `storyline news` then lists what is new in it."""
        with _store(db) as store:
            tid = _thread_id(store, story_id)
            added = store.follow(tid)
        typer.echo(f"following {tid}" if added else f"already following {tid}")

    @app.command()
    def unfollow(story_id: str = typer.Argument(..., help="A followed thread id."), db: Optional[str] = DB_OPTION) -> None:
        """Stop following a story."""
        with _store(db) as store:
            if not store.unfollow(story_id):
                fail(f"story {story_id!r}: not followed (see `storyline news`)")
        typer.echo(f"no longer following {story_id}")

    @app.command()
    def news(
        story_id: Optional[str] = typer.Argument(None, help="Only this followed thread [default: every followed one]."),
        db: Optional[str] = DB_OPTION,
        peek: bool = typer.Option(False, "--peek", help="Show the news without marking it seen."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """What is new in followed stories since you last looked: events, articles, quotes, corrections."""
        from ..views.news import news as collect

        with _store(db) as store:
            if story_id is not None and store.follow_of(story_id) is None:
                fail(f"story {story_id!r}: not followed (run `storyline follow {story_id}` first)")
            items = collect(store, story_id)
            if not peek:
                for item in items:
                    store.mark_seen(item["thread_id"])
        if as_json:
            print_json(items)
            return
        if not items:
            typer.echo("No followed stories (storyline follow ID).")
        for item in items:
            counts = ", ".join(f"{len(item[k])} new {k}" for k in ("events", "articles", "quotes", "corrections"))
            typer.echo(f"{item['thread_id']}  {item['title']}\n  {counts} since {item['seen_at']}")
            for a in item["articles"]:
                typer.echo(f"  + {a['published'] or '':10}  {a['title']}  ({a['id']}{', ' + a['url'] if a['url'] else ''})")
            for r in item["corrections"]:
                typer.echo(f"  ! {r['label']}: {' '.join(r['later']['text'].split())[:160]}")
