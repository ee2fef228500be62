"""Core commands: ingest, analyze, stories, story, search, demo."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Optional

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table
from rich.text import Text

from ..errors import StorylineError
from ..model import to_dict
from ._common import (
    ATTRIBUTIONS_OPTION,
    BAD_INPUT,
    CONFIG_OPTION,
    DB_OPTION,
    JSON_OPTION,
    console,
    fail,
    open_corpus,
    print_json,
    stdout_console,
    usage_error,
)

DEMO_CORPUS = Path("examples/wikinews-meantime.jsonl")


def _warc_sizes(inputs: list[str]) -> dict[str, int]:
    """The web archives among the inputs and their sizes in bytes."""
    import os

    from ..ingest import discover
    from ..ingest.discover import kind_from_name

    sizes = {}
    for path in discover(inputs):
        if kind_from_name(path) == "warc":
            try:
                sizes[path] = os.path.getsize(path)
            except OSError:
                continue
    return sizes


def _ingest(corpus, inputs: list[str], allow_private: bool, quiet: bool = False):
    """Ingest with a progress bar: over items, or over the records and bytes of the web archives."""
    from ..ingest import count_hint

    warcs = _warc_sizes(inputs)
    total: int | None
    if warcs:
        columns = [TextColumn("[bold]ingest"), BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeElapsedColumn(),
                   TextColumn("{task.description}")]
        total = sum(warcs.values())
    else:
        columns = [TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.description}")]
        total = count_hint(inputs)
    done: dict[str, tuple[int, int]] = {}  # per archive: bytes and records read
    counts = {"records": 0, "bytes": 0, "articles": 0}
    with Progress(*columns, console=console, disable=quiet, transient=True) as progress:
        task = progress.add_task("", total=total)

        def describe() -> str:
            return f"{counts['records']:,} records, {counts['articles']:,} articles"

        def on_item(kind: str, detail: str) -> None:
            if kind == "ingested":
                counts["articles"] += 1
            if warcs:
                progress.update(task, description=describe())
            else:
                progress.advance(task)
            if kind == "failed":
                progress.console.print(Text.assemble(("skipped ", "yellow"), detail), soft_wrap=True, highlight=False)

        def on_position(position) -> None:
            if position.source not in warcs:
                return
            offset, records = done.get(position.source, (0, 0))
            counts["bytes"] += position.offset - offset
            counts["records"] += position.records - records
            done[position.source] = (position.offset, position.records)
            progress.update(task, completed=counts["bytes"], description=describe())

        def on_wait(message: str) -> None:
            progress.console.print(Text(message), soft_wrap=True, highlight=False)

        try:
            report = corpus.ingest(inputs, allow_private=allow_private, on_item=on_item, on_wait=on_wait, on_position=on_position)
        except StorylineError as exc:  # the store could not be written (a full disk, a read-only file); Ray would not start
            fail(str(exc))
    return report


def _files_table(report, paths: list[str]) -> Table:
    """One row per web archive: records read, HTML responses, articles ingested, duplicates, failures."""
    table = Table(title=f"{len(paths)} web archive{'' if len(paths) == 1 else 's'}")
    table.add_column("file", overflow="fold")
    for col in ("records", "HTML", "ingested", "duplicates", "failed", "read"):
        table.add_column(col, justify="right", no_wrap=True)
    for path in paths:
        c = report.files.get(path)
        if c is None:
            continue
        share = f"{c.offset / c.size:.0%}" if c.size else "-"
        table.add_row(path, f"{c.records:,}", f"{c.pages:,}", f"{c.ingested:,}", f"{c.duplicates:,}", f"{c.failed:,}", share)
    return table


def _inputs(inputs: list[str] | None, warc_list: str | None) -> list[str]:
    """The inputs given as arguments and those a ``--warc-list`` file names."""
    from ..ingest.discover import read_list

    given = list(inputs or [])
    if warc_list:
        try:
            listed = read_list(warc_list)
        except OSError as exc:
            usage_error(f"{warc_list}: cannot read the list of archives ({exc.strerror or exc})")
        except UnicodeDecodeError:
            usage_error(f"{warc_list}: not a text file (expected one path per line)")
        if not listed:
            usage_error(f"{warc_list}: the list names no files")
        given += listed
    if not given:
        usage_error("nothing to ingest: give files, folders, URLs or --warc-list FILE")
    return given


def _story_table(title: str, extra: tuple[str, ...] = ()) -> Table:
    table = Table(title=title)
    table.add_column("id", no_wrap=True, min_width=18)
    table.add_column("title", max_width=60, no_wrap=True, overflow="ellipsis")
    for col in ("events", "articles", *extra, "first", "last"):
        table.add_column(col, no_wrap=True, justify="right" if col in ("events", "articles", "sources") else "left")
    return table


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @app.command()
    def ingest(
        inputs: Optional[list[str]] = typer.Argument(None, help="Files, folders, globs, URLs, feeds, sitemaps, WARC or JSONL."),
        db: Optional[str] = DB_OPTION,
        allow_private: bool = typer.Option(False, "--allow-private", help="Allow URLs on loopback/private addresses."),
        config: Optional[str] = CONFIG_OPTION,
        attributions: Optional[str] = ATTRIBUTIONS_OPTION,
        as_json: bool = JSON_OPTION,
        workers: Optional[int] = typer.Option(
            None, "--workers", min=0, help="Analysis processes, or Ray actors with --engine ray (0: one per core; default 1)."
        ),
        engine: Optional[str] = typer.Option(
            None, "--engine", help="local: worker processes; ray: Ray Data (a local Ray instance, or --address) [default: local]."
        ),
        address: Optional[str] = typer.Option(None, "--address", help="The Ray cluster to run on with --engine ray (e.g. auto)."),
        warc_list: Optional[str] = typer.Option(
            None, "--warc-list", help="A text file naming inputs (web archives), one path per line, relative to its folder."
        ),
    ) -> None:
        """Read articles, analyse them, store them and link them into stories."""
        from ..ingest.discover import kind_from_name

        given = _inputs(inputs, warc_list)
        corpus = open_corpus(db, config, attributions=attributions, workers=workers, engine=engine, address=address)
        try:
            if corpus.config.pipeline.engine == "ray":
                from ..ray_engine import require_ray

                try:
                    require_ray()
                except StorylineError as exc:
                    fail(str(exc))
            report = _ingest(corpus, given, allow_private)
        finally:
            corpus.close()
        warcs = [path for path in report.files if kind_from_name(path) == "warc"]
        if as_json:
            print_json({k: v for k, v in to_dict(report).items() if k != "article_ids"})
        else:
            if warcs:
                stdout_console().print(_files_table(report, warcs))
            typer.echo(report.summary())
        if report.failed and not report.ingested and not report.duplicates:
            raise typer.Exit(BAD_INPUT)  # every input failed

    @app.command()
    def analyze(
        files: list[str] = typer.Argument(..., help="Inputs to analyse (any format ingest reads)."),
        published: Optional[str] = typer.Option(None, help="Publication date (YYYY-MM-DD) for inputs without one."),
        processes: int = typer.Option(1, "--processes", "-p", min=1, help="Parser processes (2 pays off on big inputs)."),
        attributions: str = typer.Option("quotes", "--attributions", help=ATTRIBUTIONS_OPTION.help),
    ) -> None:
        """Print one JSON line of annotations per article, without a store."""
        from ..analyze import Pipeline
        from ..ingest import Failure, read

        try:
            pipeline = Pipeline(attributions=attributions, n_process=processes)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--attributions") from None

        def articles():
            for item in read(files):
                if isinstance(item, Failure):
                    console.print(Text.assemble(("skipped ", "yellow"), str(item)), soft_wrap=True, highlight=False)
                    continue
                if published and not item.published:
                    item.published = published
                yield item

        for article, analysis in pipeline.pipe(articles()):
            row = to_dict(analysis)
            row.update(title=article.title, published=article.published, origin=article.origin)
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")

    @app.command()
    def stories(
        db: Optional[str] = DB_OPTION,
        limit: int = typer.Option(50, help="How many threads to show."),
        show_events: bool = typer.Option(False, "--events", help="List each thread's events under it."),
        show_related: bool = typer.Option(
            False, "--related", help="List each thread's related stories (same topic, other actors and places) and why."
        ),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """List the stories (threads): id, title, events, articles, sources, first and last date."""
        corpus = open_corpus(db)
        threads = corpus.stories(limit=limit)
        events = {t.id: corpus.store.events(t.id) for t in threads}
        related = {t.id: corpus.store.related_threads(t.id) if show_related else [] for t in threads}
        corpus.close()
        if as_json:
            print_json([
                {**to_dict(t), "events": [to_dict(e) for e in events[t.id]], **({"related": related[t.id]} if show_related else {})}
                for t in threads
            ])
            return
        table = _story_table(f"{len(threads)} {'story' if len(threads) == 1 else 'stories'}", ("sources",))
        for t in threads:
            table.add_row(
                t.id, t.title, str(t.event_count), str(t.article_count), str(t.source_count), t.first_date or "", t.last_date or ""
            )
            for e in events[t.id] if show_events else ():
                table.add_row(
                    f"  {e.id}", f"  {e.title}", "", str(e.article_count), str(e.source_count), e.first_date or "", e.last_date or "",
                    style="dim",
                )
            for r in related[t.id]:
                table.add_row(
                    f"  related {r['id']}", f"  {r['title']}", "", str(r["articles"]), "", r["first_date"] or "",
                    r["last_date"] or "", style="cyan",
                )
        con = stdout_console()
        con.print(table)
        for t in threads:  # the reasons in full, beneath the table
            for r in related[t.id]:
                con.print(f"{t.id} related to {r['id']} (score {r['score']:.2f}): {r['reason']}", highlight=False, markup=False)

    @app.command()
    def story(
        story_id: str = typer.Argument(..., help="A thread or event id."),
        db: Optional[str] = DB_OPTION,
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Show one story: events, articles, entities, dates, quotes and corrections."""
        corpus = open_corpus(db)
        view = corpus.story(story_id)
        corpus.close()
        if view is None:
            fail(f"story {story_id!r}: no such thread or event")
        if as_json:
            print_json(view)
            return
        from ..views.text import print_story

        print_story(view)

    @app.command()
    def search(
        query: str = typer.Argument(..., help="Full-text query (SQLite FTS5 syntax; translated for a PostgreSQL store)."),
        db: Optional[str] = DB_OPTION,
        limit: int = typer.Option(20),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Full-text search over titles and texts."""
        corpus = open_corpus(db)
        try:
            hits = corpus.search(query, limit)
        except Exception as exc:  # StorylineError names the query and the problem
            fail(str(exc))
        finally:
            corpus.close()
        if as_json:
            print_json(hits)
            return
        for h in hits:
            typer.echo(f"{h['id']}  {h['published'] or '':10.10}  {h['title']}\n    {h['snippet']}")

    @app.command()
    def demo(
        inputs: Optional[list[str]] = typer.Argument(None, help=f"Inputs [default: {DEMO_CORPUS}]."),
        db: str = typer.Option("out/demo.db", "--db", help="Store file for the demo."),
        out: str = typer.Option("out/report.html", "--out", help="Where to write the HTML report."),
        config: Optional[str] = CONFIG_OPTION,
    ) -> None:
        """Ingest a corpus (the bundled Wikinews sample by default), build stories, write a report."""
        from ..views.report import write_report

        inputs = inputs or [str(DEMO_CORPUS)]
        if not inputs[0].startswith(("http://", "https://")) and not any(Path(p).exists() for p in inputs):
            fail(f"{inputs[0]}: not found (run the demo from the project folder, or pass inputs)")
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        corpus = open_corpus(db, config)
        try:
            report = _ingest(corpus, inputs, allow_private=False)
            threads = corpus.stories()
            path = write_report(corpus.store, out)
        finally:
            corpus.close()
        elapsed = time.perf_counter() - start
        table = _story_table(f"{len(threads)} stories (largest 15) from {corpus.store.name}", ("sources",))
        for t in threads[:15]:
            table.add_row(
                t.id, t.title, str(t.event_count), str(t.article_count), str(t.source_count), t.first_date or "", t.last_date or ""
            )
        stdout_console().print(table)
        typer.echo(f"{report.summary()} in {elapsed:.1f} s")
        typer.echo(f"{len(threads)} stories; report written to {path.resolve()}")
        typer.echo(f"Explore: storyline stories --db {db}   |   storyline story <id> --db {db}")
        typer.echo(f"Web UI:  storyline serve --db {db}   then open http://127.0.0.1:8000/")
