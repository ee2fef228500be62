"""Commands ``stance`` and ``timeline``, and ``eval stance`` / ``eval timelines``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from ._common import CONFIG_OPTION, fail, stdout_console, usage_error
from ..evaluation import shared_data


def stance(
    pairs: Path = typer.Option(..., "--pairs", help="FNC-1 stances CSV: Headline, Body ID[, Stance]."),
    bodies: Path = typer.Option(..., "--bodies", help="FNC-1 bodies CSV: Body ID, articleBody."),
    out: Optional[Path] = typer.Option(None, "--out", help="Where to write the CSV (default: standard output)."),
) -> None:
    """Label each headline/body pair agree, disagree, discuss or unrelated."""
    from ..errors import InputError
    from ..evaluation.fnc1 import read_stance_data, write_stances
    from ..explain.stance import predict_stances

    try:
        data = read_stance_data(pairs, bodies)
        labels = [label for label, _ in predict_stances(data.headlines, data.body_texts)]
        write_stances(data, labels, out if out else sys.stdout)
    except InputError as exc:
        fail(str(exc))
    if out:
        typer.echo(f"wrote {len(labels)} stances to {out}", err=True)


def _read_articles(path: str) -> list[dict]:
    from ..errors import InputError
    from ..ingest.jsonl import json_rows

    rows = []
    for where, row in json_rows(path):
        if not isinstance(row, dict) or "text" not in row:
            raise InputError(where, "expected an object with 'time' and 'text'")
        rows.append(row)
    return rows


def timeline(
    thread: Optional[str] = typer.Argument(None, help="A stored thread (or event) id; or give --jsonl."),
    jsonl: Optional[str] = typer.Option(None, "--jsonl", help="Articles, one JSON object per line: id, time, text ('-': stdin)."),
    db: Optional[str] = typer.Option(None, "--db", envvar="STORYLINE_DB", help="Store file, with THREAD [default: ./storyline.db]."),
    dates: Optional[int] = typer.Option(None, "--dates", min=1, help="How many dates [default: explain.timeline_dates, 10]."),
    sentences: Optional[int] = typer.Option(
        None, "--sentences", min=1, help="Sentences per date [default: explain.timeline_sentences, 1]."
    ),
    keywords: Optional[str] = typer.Option(None, "--keywords", help="Comma-separated; summaries use only sentences with one."),
    config: Optional[str] = CONFIG_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print [[date, [sentences]], ...] as JSON."),
) -> None:
    """Summarise a stored thread, or a stream of dated articles, as a timeline of key dates."""
    from ..config import StorylineConfig
    from ..errors import InputError, StorylineError
    from ..explain.timeline import TimelineDoc, build_timeline, docs_from_store

    settings: StorylineConfig | None = None
    articles: list[dict] | list[TimelineDoc]

    if (thread is None) == (jsonl is None):
        usage_error("give either a THREAD id or --jsonl FILE")
    if thread is not None:
        from ..store import Store

        with Store(db) as store:
            recorded = store.recorded_config()
            try:
                settings = StorylineConfig.from_toml(config) if config else StorylineConfig.from_json(recorded) if recorded else None
            except StorylineError as exc:
                fail(str(exc))
            ids = store.story_article_ids(thread)
            if not ids:
                fail(f"story {thread!r}: no such thread or event")
            articles = docs_from_store(store, ids)
    else:
        try:
            articles = _read_articles(jsonl or "-")
        except InputError as exc:
            fail(str(exc))
    if settings is None:
        try:
            settings = StorylineConfig.from_toml(config) if config else StorylineConfig()
        except StorylineError as exc:
            fail(str(exc))
    kws = [k.strip() for k in keywords.split(",") if k.strip()] if keywords else None
    tl = build_timeline(articles, dates or settings.explain.timeline_dates, sentences or settings.explain.timeline_sentences, kws)
    if as_json:
        typer.echo(json.dumps([[d, s] for d, s in tl], ensure_ascii=False))
        return
    from rich.table import Table

    table = Table(title=f"Timeline of {len(articles)} articles")
    table.add_column("date", style="bold", no_wrap=True)
    table.add_column("what happened")
    for d, sents in tl:
        table.add_row(d, "\n".join(sents))
    stdout_console().print(table)


def eval_stance(
    data: Path = typer.Option(shared_data("stance", "fnc1"), "--data", help="Folder with dev_stances.csv and dev_bodies.csv."),
    folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds, grouped by Body ID."),
    save: Optional[Path] = typer.Option(None, "--save", help="Also train on all pairs and save the model here."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """FNC-1 relative score, per-class F1 and confusion matrix (grouped cross-validation)."""
    import dataclasses

    from rich.progress import Progress

    from ..errors import InputError
    from ..evaluation import fnc1
    from ..explain.stance import LABELS

    try:
        ds = fnc1.read_stance_data(data / "dev_stances.csv", data / "dev_bodies.csv")
    except InputError as exc:
        fail(str(exc))
    with Progress(transient=True) as progress:
        task = progress.add_task("cross-validating", total=folds)
        rep = fnc1.cross_validate(ds, folds, progress=lambda k, n: progress.update(task, completed=k))
    if save:
        fnc1.train_final(ds, save)
    if as_json:
        typer.echo(json.dumps(dataclasses.asdict(rep), indent=2))
        return
    from rich.table import Table

    console = stdout_console()
    console.print(f"FNC-1 {folds}-fold grouped CV on {rep.n} pairs: relative score [bold]{rep.relative:.4f}[/] "
                  f"({rep.score:.2f} of {rep.best:.2f}), macro F1 {rep.macro_f1:.4f}")
    table = Table("gold \\ predicted", *LABELS, "F1")
    for label, row in zip(LABELS, rep.confusion):
        table.add_row(label, *map(str, row), f"{rep.f1[label]:.3f}")
    console.print(table)
    if save:
        console.print(f"model trained on all {rep.n} pairs saved to {save}")


def eval_timelines(
    data: Path = typer.Option(shared_data("timelines", "t17"), "--data", help="Folder of collections."),
    as_json: bool = typer.Option(False, "--json", help="Print per-timeline results as JSON."),
    train: bool = typer.Option(
        False, "--train", help="Train the date ranker (leave-one-story-out figures first), write it, then score it."
    ),
    out: Optional[Path] = typer.Option(None, "--out", help="With --train: where to write the model [default: the shipped one]."),
) -> None:
    """Date F1 and alignment ROUGE-1/2 (align+ m:1) of timelines built for each gold timeline."""
    from rich.progress import Progress
    from rich.table import Table

    from ..evaluation import tls

    if not any(data.glob("*/timelines.jsonl")):
        fail(f"{data}: no */timelines.jsonl")
    ranker = None
    if train:
        ranker = _train_date_ranker(data, out, as_json)
    with Progress(transient=True) as progress:
        task = progress.add_task("building timelines", total=len(list(data.glob("*/timelines.jsonl"))))
        results = tls.evaluate_dataset(data, progress=lambda i, n, name: progress.update(task, completed=i),
                                       ranker=ranker)
    dates = tls.mean_prf([r.dates for r in results])
    r1 = tls.mean_prf([r.rouge[1] for r in results])
    r2 = tls.mean_prf([r.rouge[2] for r in results])
    if as_json:
        rows = [{"collection": r.collection, "timeline": r.index, "dates": r.n_dates, "sentences": r.n_sentences,
                 "date": r.dates.as_dict(), "rouge_1": r.rouge[1].as_dict(), "rouge_2": r.rouge[2].as_dict(),
                 "seconds": round(r.seconds, 2)} for r in results]
        typer.echo(json.dumps({"mean": {"date": dates.as_dict(), "rouge_1": r1.as_dict(), "rouge_2": r2.as_dict()},
                               "timelines": rows}, indent=2))
        return
    table = Table("collection", "dates", "k", "date F1", "AR-1 F", "AR-2 F", "s",
                  title="dev: the shipped ranker, trained on these collections" if ranker is None else
                  "dev: the ranker just trained on all these collections")
    for r in results:
        table.add_row(r.collection, str(r.n_dates), str(r.n_sentences), f"{r.dates.f1:.3f}",
                      f"{r.rouge[1].f1:.3f}", f"{r.rouge[2].f1:.3f}", f"{r.seconds:.1f}")
    table.add_row("mean (F of mean P, R)", "", "", f"{dates.f1:.3f}", f"{r1.f1:.3f}", f"{r2.f1:.3f}", "", style="bold")
    stdout_console().print(table)


def _train_date_ranker(data: Path, out: Optional[Path], quiet: bool):
    """Leave-one-story-out figures, then the ranker fit on every collection, written to ``out``."""
    from rich.table import Table

    from ..explain.date_ranker import MODEL_PATH
    from ..evaluation import train_date_ranker as tdr

    console = stdout_console() if not quiet else None
    try:
        report = tdr.train(tdr.load_stories(data))
    except ValueError as exc:
        fail(f"cannot train the date ranker: {exc}")
    target = out or MODEL_PATH
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(report.ranker.to_json() + "\n", encoding="utf-8")
    except OSError as exc:
        fail(f"{target}: cannot write the model ({exc.strerror or exc})")
    if console:
        table = Table("collection", "held-out story", "C, balanced, lead w., summary leads, days", "date F1", "AR-1 F", "AR-2 F",
                      title="leave-one-story-out: each story scored by a ranker trained on the others")
        for r in report.cross_validated:
            story = tdr.story_of(r.collection)
            table.add_row(r.collection, story, str(report.chosen[story]), f"{r.dates.f1:.3f}", f"{r.rouge[1].f1:.3f}",
                          f"{r.rouge[2].f1:.3f}")
        m = report.means()
        table.add_row("mean (F of mean P, R)", "", "", f"{m['date'].f1:.3f}", f"{m['rouge_1'].f1:.3f}",
                      f"{m['rouge_2'].f1:.3f}", style="bold")
        console.print(table)
        console.print(f"wrote {target}")
    return report.ranker


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("stance")(stance)
    app.command("timeline")(timeline)
    eval_app.command("stance")(eval_stance)
    eval_app.command("timelines")(eval_timelines)
