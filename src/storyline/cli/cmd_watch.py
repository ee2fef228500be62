"""``storyline watch SOURCE...``: poll feeds, sitemaps and front pages and ingest what is new."""

from __future__ import annotations

from typing import Optional

import typer

from ._common import CONFIG_OPTION, DB_OPTION, JSON_OPTION, fail, open_corpus, print_json, stdout_console, usage_error


def _sources(sources: list[str], from_file: str | None) -> list[str]:
    out = list(sources)
    if from_file:
        try:
            with open(from_file, encoding="utf-8") as fh:
                out += [line.strip() for line in fh if line.strip() and not line.lstrip().startswith("#")]
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"{from_file}: cannot read the list of sources: {getattr(exc, 'strerror', None) or exc}")
    return list(dict.fromkeys(out))


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @app.command()
    def watch(
        sources: Optional[list[str]] = typer.Argument(None, help="Feed, sitemap or front-page URLs, or local feed files."),
        from_file: Optional[str] = typer.Option(None, "--from", help="A file of sources, one per line."),
        every: float = typer.Option(900.0, "--every", min=1.0, help="Seconds between two polls of a source (jittered)."),
        jitter: float = typer.Option(0.1, "--jitter", min=0.0, max=0.5, help="Share of --every a poll may move by."),
        delay: float = typer.Option(1.0, "--delay", min=0.0, help="Seconds between two requests to the same host."),
        retries: int = typer.Option(2, "--retries", min=0, help="Retries of a failing poll before it is reported."),
        backoff: float = typer.Option(2.0, "--backoff", min=0.0, help="First retry delay in seconds (doubles)."),
        timeout: float = typer.Option(30.0, "--timeout", min=0.1, help="Seconds a download may take."),
        once: bool = typer.Option(False, "--once", help="Poll every source once and exit (for cron)."),
        status: bool = typer.Option(False, "--status", help="List the watched sources: last poll, new articles, last error."),
        allow_private: bool = typer.Option(False, "--allow-private", help="Allow URLs on loopback/private addresses."),
        webhook: Optional[list[str]] = typer.Option(
            None, "--webhook", help="POST a signed JSON alert here when a followed story gets a new event or correction (repeatable)."
        ),
        webhook_secret: Optional[str] = typer.Option(
            None, "--webhook-secret", envvar="STORYLINE_WEBHOOK_SECRET", help="Key of the HMAC-SHA256 signature header."
        ),
        db: Optional[str] = DB_OPTION,
        config: Optional[str] = CONFIG_OPTION,
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Poll sources on a schedule; new articles are analysed, stored and linked as they arrive."""
        from ..watch import Watcher

        chosen = _sources(sources or [], from_file)
        corpus = open_corpus(db, config)
        try:
            if status:
                rows = [s for s in corpus.store.watch_sources() if not chosen or s["url"] in chosen]
                if as_json:
                    print_json(rows)
                    return
                from rich.table import Table

                table = Table(title=f"{len(rows)} watched sources")
                for col in ("source", "last poll", "status", "new articles", "errors", "last error"):
                    table.add_column(col)
                for s in rows:
                    table.add_row(
                        s["url"], s["last_poll"] or "", s["last_status"] or "", str(s["new_articles"]),
                        str(s["errors"]), s["last_error"] or "",
                    )
                stdout_console().print(table)
                return
            if not chosen:
                usage_error("give at least one SOURCE (or --from FILE), or --status")
            alerts = None
            if webhook:
                from ..alerts import Alerts

                if not webhook_secret:
                    usage_error("--webhook needs --webhook-secret (or STORYLINE_WEBHOOK_SECRET) to sign the alerts")
                alerts = Alerts(list(webhook), webhook_secret, allow_private=allow_private, log=lambda line: typer.echo(line, err=True))
            watcher = Watcher(
                corpus, every=every, jitter=jitter, delay=delay, retries=retries, backoff=backoff, timeout=timeout,
                allow_private=allow_private, log=lambda line: typer.echo(line, err=True), alerts=alerts,
            )
            if once:
                results = watcher.run_once(chosen)
                if alerts is not None:
                    alerts.wait()
                if as_json:
                    print_json([{k: v for k, v in r.__dict__.items()} for r in results])
                return
            try:
                watcher.run(chosen)
            except KeyboardInterrupt:
                typer.echo("stopped", err=True)
        finally:
            corpus.close()
