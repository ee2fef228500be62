"""``storyline serve``: the REST API and the web pages over one store."""

from __future__ import annotations

from typing import Optional

import typer

from ._common import DB_OPTION, console, fail


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @app.command()
    def serve(
        db: Optional[str] = DB_OPTION,
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback only by default)."),
        port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
        token: Optional[str] = typer.Option(
            None, "--token", envvar="STORYLINE_TOKEN", help="Bearer token that enables POST /api/ingest (off without one)."
        ),
    ) -> None:
        """Serve the stories as web pages and a REST API (OpenAPI at /api/openapi.json)."""
        import uvicorn

        from ..errors import StorylineError
        from ..store import default_path
        from ..web import create_app

        try:
            web = create_app(db or default_path(), token=token)
        except StorylineError as exc:
            fail(str(exc))
        shown = f"[{host}]" if ":" in host else host
        typer.echo(f"storyline: serving {db or default_path()} at http://{shown}:{port}/")
        if not token:
            console.print("writing is disabled (no --token / STORYLINE_TOKEN)", highlight=False)
        uvicorn.run(web, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)
