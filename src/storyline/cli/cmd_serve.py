"""``storyline serve``: the REST API and the web pages over one store."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from ._common import DB_OPTION, console, fail, usage_error


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @app.command()
    def serve(
        db: Optional[str] = DB_OPTION,
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback only by default)."),
        port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
        token: Optional[str] = typer.Option(
            None,
            "--token",
            envvar="STORYLINE_TOKEN",
            help="Bearer token that enables POST /api/ingest and /api/jobs (off without one). Prefer the "
            "STORYLINE_TOKEN environment variable or --token-file: a --token value shows in the process list.",
        ),
        token_file: Optional[str] = typer.Option(
            None, "--token-file", help="Read the bearer token from this file (its first line), kept out of the process list."
        ),
        webhook: Optional[list[str]] = typer.Option(
            None, "--webhook", help="POST a signed JSON alert here when an ingest gives a followed story a new event or correction (repeatable)."
        ),
        webhook_secret: Optional[str] = typer.Option(
            None, "--webhook-secret", envvar="STORYLINE_WEBHOOK_SECRET", help="Key of the HMAC-SHA256 signature header."
        ),
        allow_private_webhooks: bool = typer.Option(False, "--allow-private-webhooks", help="Allow webhook targets on loopback/private addresses."),
        workers: int = typer.Option(
            1, "--workers", min=1, max=64, help="Server processes (each keeps its own page cache; about one per core)."
        ),
    ) -> None:
        """Serve the stories as web pages and a REST API (OpenAPI at /api/openapi.json)."""
        import os

        import uvicorn

        from ..errors import StorylineError
        from ..store import default_path
        from ..web import create_app
        from ..web.app import DB_ENV, TOKEN_ENV, webhooks_to_environment
        from ..web.security import HeaderTimeoutProtocol

        if token_file is not None:
            if token:
                usage_error("give the token once: --token (or STORYLINE_TOKEN) or --token-file")
            try:
                lines = Path(token_file).read_text(encoding="utf-8").strip().splitlines()
            except (OSError, UnicodeError) as exc:
                fail(f"{token_file}: cannot read a token: {getattr(exc, 'strerror', None) or exc}")
            token = lines[0].strip() if lines else ""
            if not token:
                fail(f"{token_file}: the token file is empty")
        webhooks = None
        if webhook:
            from ..alerts import Webhooks

            if not webhook_secret:
                usage_error("--webhook needs --webhook-secret (or STORYLINE_WEBHOOK_SECRET) to sign the alerts")
            webhooks = Webhooks(tuple(webhook), webhook_secret, allow_private_webhooks)
        path = str(db or default_path())
        try:
            web = create_app(path, token=token, webhooks=webhooks)  # checks the store (and migrates it) before any worker starts
        except StorylineError as exc:
            fail(str(exc))
        shown = f"[{host}]" if ":" in host else host
        from ..store.db import shown_url

        typer.echo(f"storyline: serving {shown_url(path)} at http://{shown}:{port}/")
        if not token:
            console.print("writing is disabled (no --token / STORYLINE_TOKEN)", highlight=False)
        # A client that sends nothing for 5 s on an idle connection is closed, one that takes more than
        # HEADER_TIMEOUT to send its headers too; Guard bounds the body read.
        options: dict[str, Any] = dict(
            host=host, port=port, log_level="warning", access_log=False, timeout_graceful_shutdown=5, timeout_keep_alive=5,
            http=HeaderTimeoutProtocol,
        )
        if workers == 1:
            uvicorn.run(web, **options)
            return
        os.environ[DB_ENV], os.environ[TOKEN_ENV] = path, token or ""  # read by each worker's app factory
        webhooks_to_environment(webhooks)
        uvicorn.run("storyline.web.app:app_from_environment", factory=True, workers=workers, **options)
