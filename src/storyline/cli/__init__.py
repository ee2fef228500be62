"""The ``storyline`` command line.

Commands live in ``cmd_*.py`` modules beside this one; each defines
``register(app, eval_app)`` and is discovered here, so adding a command never
means editing this file.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

from ..version import __version__

app = typer.Typer(
    name="storyline",
    help="Follow news stories across sources and years.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Score storyline on the benchmark data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"storyline {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Follow news stories across sources and years."""


for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name.startswith("cmd_"):
        importlib.import_module(f"{__name__}.{_info.name}").register(app, eval_app)


def main() -> None:
    app()
