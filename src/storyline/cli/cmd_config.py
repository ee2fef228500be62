"""``storyline config``: the settings a store was built with, or those a TOML file gives."""

from __future__ import annotations

from typing import Optional

import typer

from ._common import CONFIG_OPTION, DB_OPTION, JSON_OPTION, fail, open_corpus, print_json


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @app.command("config")
    def config_command(
        db: Optional[str] = DB_OPTION,
        config: Optional[str] = CONFIG_OPTION,
        history: bool = typer.Option(False, "--history", help="Every configuration that wrote into the store, oldest first."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Print the configuration in effect (TOML, loadable with --config): the file's, the store's or the defaults."""
        from ..config import StorylineConfig
        from ..errors import StorylineError

        corpus = open_corpus(db, config)
        try:
            if history:
                try:
                    rows = [(at, StorylineConfig.from_json(text).to_dict()) for at, text in corpus.store.config_history()]
                except StorylineError as exc:
                    fail(str(exc))
                if as_json:
                    print_json([{"recorded_at": at, "config": c} for at, c in rows])
                else:
                    for at, c in rows:
                        typer.echo(f"# recorded {at}\n{StorylineConfig.from_mapping(c).to_toml()}")
                    if not rows:
                        typer.echo("# no configuration recorded yet (nothing ingested)")
                return
            recorded = corpus.store.recorded_config()
            source = config or ("the store" if recorded else "the defaults")
            if as_json:
                print_json({"source": source, "config": corpus.config.to_dict()})
            else:
                typer.echo(f"# configuration from {source}\n{corpus.config.to_toml()}", nl=False)
        finally:
            corpus.close()
