"""One configuration for a corpus: the analysis pipeline, the linker and the explanations.

A :class:`StorylineConfig` is built from its defaults, from a TOML file
(``--config FILE``) or from what a store recorded when it was last written to.
Every table of the file maps to one part and every key to one field; an unknown
table or key, or a value of the wrong type, is an error that names it::

    [pipeline]
    attributions = "all"      # "quotes" (what was said) or "all" (beliefs, intentions, actions too)
    batch_size = 32
    engine = "ray"            # "local" (worker processes) or "ray" (Ray Data; address = "" starts a local instance)

    [link]
    thread_merge = 0.45

    [link.event]              # one level of the linker: its weights, threshold and decay
    threshold = 0.5

    [explain]
    timeline_dates = 12

The store records the configuration that ingested into it (``Store.record_config``),
so that a later ingest without ``--config`` goes on with the same settings and
``storyline config`` can show what built a store.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Mapping

from .errors import StorylineError
from .link.linker import LinkConfig

Attributions = Literal["quotes", "all"]
Engine = Literal["local", "ray"]


@dataclass(frozen=True)
class PipelineConfig:
    """What the per-article analysis runs."""

    #: ``quotes``: what was said (news quotes); ``all``: every attribution, as PolNeAR annotates them
    attributions: Attributions = "quotes"
    #: articles parsed per spaCy batch
    batch_size: int = 16
    #: processes that analyse and embed at ingest (0: one per core of the machine); Ray actors with ``engine = "ray"``
    workers: int = 1
    #: where reading, analysis and embedding run: ``local`` (worker processes) or ``ray`` (Ray Data)
    engine: Engine = "local"
    #: the Ray cluster to join with ``engine = "ray"`` (``auto``, ``ray://host:10001``); empty: start a local instance
    address: str = ""


@dataclass(frozen=True)
class ExplainConfig:
    """Defaults of the explanations (a command's own options override them)."""

    #: dates a timeline shows
    timeline_dates: int = 10
    #: summary sentences per timeline date
    timeline_sentences: int = 1
    #: what judges claim relations at ingest: the rules alone, or the rules with the learned pair model on top
    relations: Literal["rules", "learned"] = "rules"


@dataclass(frozen=True)
class StorylineConfig:
    """The settings of a corpus."""

    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    link: LinkConfig = field(default_factory=LinkConfig)
    explain: ExplainConfig = field(default_factory=ExplainConfig)

    # -- reading and writing --------------------------------------------------------------------
    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], origin: str = "configuration") -> "StorylineConfig":
        """A configuration from nested tables; missing keys keep their defaults."""
        return _build(cls(), data, origin)

    @classmethod
    def from_toml(cls, path: str | Path) -> "StorylineConfig":
        """A configuration from a TOML file; a missing or malformed file is a :class:`StorylineError`."""
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError:
            raise StorylineError(f"{path}: no such configuration file") from None
        except OSError as exc:
            raise StorylineError(f"{path}: cannot read the configuration ({exc.strerror or exc})") from None
        except tomllib.TOMLDecodeError as exc:
            raise StorylineError(f"{path}: not valid TOML ({exc})") from None
        return cls.from_mapping(data, str(path))

    @classmethod
    def from_json(cls, text: str, origin: str = "recorded configuration") -> "StorylineConfig":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise StorylineError(f"{origin}: not valid JSON ({exc})") from None
        return cls.from_mapping(data, origin)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    def to_toml(self) -> str:
        """The configuration as a TOML file that :meth:`from_toml` reads back to the same value."""
        lines: list[str] = []
        _toml_tables(self.to_dict(), [], lines)
        return "\n".join(lines).strip() + "\n"


# -- building dataclasses from nested tables, with errors that name the key -----------------------
def _build(base: Any, data: Mapping[str, Any], where: str) -> Any:
    """``base`` (a dataclass instance) with the values of ``data`` in place of its own."""
    if not isinstance(data, Mapping):
        raise StorylineError(f"{where}: expected a table, got {type(data).__name__}")
    hints = typing.get_type_hints(type(base))
    fields = {f.name for f in dataclasses.fields(base)}
    unknown = sorted(set(data) - fields)
    if unknown:
        raise StorylineError(f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(fields))})")
    values = {name: _value(hints[name], data[name], f"{where}: {name}", getattr(base, name)) for name in data}
    return dataclasses.replace(base, **values)


def _value(hint: Any, value: Any, where: str, current: Any) -> Any:
    if dataclasses.is_dataclass(hint):
        return _build(current, value, where)
    origin = typing.get_origin(hint)
    if origin is Literal:
        allowed = typing.get_args(hint)
        if value not in allowed:
            raise StorylineError(f"{where}: must be one of {', '.join(map(repr, allowed))}, not {value!r}")
        return value
    if origin in (types.UnionType, typing.Union):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if value is None and len(options) < len(typing.get_args(hint)):
            return None
        return _value(options[0], value, where, current)
    if hint is bool:
        if not isinstance(value, bool):
            raise StorylineError(f"{where}: expected true or false, not {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise StorylineError(f"{where}: expected a whole number, not {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise StorylineError(f"{where}: expected a number, not {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise StorylineError(f"{where}: expected a string, not {value!r}")
        return value
    return value


def _toml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def _toml_tables(table: Mapping[str, Any], path: list[str], lines: list[str]) -> None:
    scalars = {k: v for k, v in table.items() if not isinstance(v, Mapping) and v is not None}
    if path:
        lines.append(f"[{'.'.join(path)}]")
    lines.extend(f"{k} = {_toml_scalar(v)}" for k, v in scalars.items())
    if path:
        lines.append("")
    for key, value in table.items():
        if isinstance(value, Mapping):
            _toml_tables(value, [*path, key], lines)
