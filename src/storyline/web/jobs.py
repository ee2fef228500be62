"""Ingest as background jobs: ``POST /api/jobs`` answers at once with a job id, ``GET /api/jobs/{id}`` its status.

One ingest process per server process runs the jobs one after another through the
store's single writer (:meth:`storyline.store.Store.writer` serialises the processes
of ``serve --workers N``); the request threads only read, so pages and API reads are
answered while a job runs. ``POST /api/ingest`` is a job that the request waits for.
The jobs table in the store keeps each job's status and report, so any server
process answers for any job.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import secrets
import threading
from typing import Any, Optional, Union

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from ..alerts import Webhooks
from ..store import Store
from .schemas import IngestInputs, IngestResult
from .state import WebState, reader, require_writer, web_state

IngestBody = Union[list[dict[str, Any]], IngestInputs]

router = APIRouter(prefix="/api", tags=["jobs"])


#: How much lower than the server's the ingest process's CPU priority is (``nice`` steps).
JOB_NICENESS = 10


class JobStatus(BaseModel):
    id: str
    status: str  # queued, running, done, failed
    created_at: str
    finished_at: Optional[str] = None
    report: Optional[IngestResult] = None
    error: Optional[str] = None


class Jobs:
    """The job queue of one server process and the ingest process that works through it.

    Jobs run in a child process (started on the first job, restarted if it dies), so the
    analysis never competes with the request threads for the interpreter; the child
    writes each job's status to the jobs table and tells this process when one ends.
    """

    def __init__(self, state: WebState):
        self.state = state
        self._ctx = multiprocessing.get_context("spawn")
        self._done: dict[str, threading.Event] = {}
        self._store: Store | None = None
        self._process: Any = None
        self._inbox: Any = None
        self._outbox: Any = None
        self._lock = threading.Lock()

    def _jobs_store(self) -> Store:
        if self._store is None:
            self._store = Store(self.state.stores.path)
        return self._store

    def _ensure_worker(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        self._inbox, self._outbox = self._ctx.Queue(), self._ctx.Queue()
        self._process = self._ctx.Process(
            target=_work, args=(self.state.stores.path, self._inbox, self._outbox, self.state.webhooks), name="storyline-jobs", daemon=True
        )
        self._process.start()
        threading.Thread(target=self._listen, args=(self._process, self._outbox), name="storyline-jobs-listener", daemon=True).start()

    def submit(self, body: Any) -> str:
        job_id = f"job-{secrets.token_hex(8)}"
        payload = ("inputs", list(body.inputs)) if isinstance(body, IngestInputs) else ("records", body)
        with self._lock:
            self._jobs_store().create_job(job_id)
            self._done[job_id] = threading.Event()
            self._ensure_worker()
            self._inbox.put((job_id, payload))
        return job_id

    def wait(self, job_id: str, timeout: float | None = None) -> bool:
        event = self._done.get(job_id)
        return True if event is None else event.wait(timeout)

    def _finish(self, job_id: str) -> None:
        event = self._done.pop(job_id, None)
        if event is not None:
            event.set()

    def _listen(self, process: Any, outbox: Any) -> None:
        """Wake the waiters of each job the child finishes; if the child dies, fail the jobs it held."""
        while True:
            try:
                self._finish(outbox.get(timeout=0.5))
                continue
            except queue.Empty:
                pass
            except (EOFError, OSError):
                pass
            if process.is_alive():
                continue
            with self._lock:
                if self._process is process:
                    self._process = None
                jobs = self._jobs_store()
                for job_id in list(self._done):
                    row = jobs.job(job_id)
                    if row is not None and row["status"] in ("queued", "running"):
                        jobs.update_job(job_id, "failed", error=f"the ingest worker stopped (exit code {process.exitcode})")
                    self._finish(job_id)
            return


def _exit_after(parent: Any) -> None:
    parent.join()
    os._exit(0)


def _work(path: str, inbox: Any, outbox: Any, webhooks: Webhooks | None = None) -> None:
    """The ingest process: one corpus writer, the jobs one after another; after a job that stored
    articles, the alerts of followed stories are queued (and sent by the alerts' own thread).

    It runs at a lower CPU priority (:data:`JOB_NICENESS`), so that on a busy machine the
    readers' requests go first and the ingest takes the time they leave.
    """
    import sys

    if hasattr(os, "nice"):
        try:
            os.nice(JOB_NICENESS)
        except OSError:
            pass
    parent = multiprocessing.parent_process()
    if parent is not None:  # the server went away (even killed): stop too, an open write rolls back
        threading.Thread(target=_exit_after, args=(parent,), name="storyline-jobs-parent", daemon=True).start()

    from ..corpus import Corpus
    from ..errors import StorylineError

    jobs = Store(path)
    corpus: Corpus | None = None
    alerts = webhooks.alerts(log=lambda line: print(f"storyline: {line}", file=sys.stderr)) if webhooks else None
    while True:
        job_id, (kind, body) = inbox.get()
        jobs.update_job(job_id, "running")
        try:
            if corpus is None:
                corpus = Corpus(path)
            if kind == "inputs":
                report = corpus.ingest(body, local_files=False)
            else:
                report = corpus.add_records(body, origin="request")
            jobs.update_job(job_id, "done", report={k: getattr(report, k) for k in IngestResult.model_fields})
            if alerts is not None and report.ingested:
                alerts.check(corpus.store)
        except StorylineError as exc:
            jobs.update_job(job_id, "failed", error=str(exc))
        except Exception as exc:  # noqa: BLE001 - a job that fails says why and the worker goes on
            jobs.update_job(job_id, "failed", error=f"{type(exc).__name__}: {exc}")
        outbox.put(job_id)


def jobs_of(state: WebState) -> Jobs:
    jobs = getattr(state, "_jobs", None)
    if jobs is None:
        with _create_lock:
            jobs = getattr(state, "_jobs", None)
            if jobs is None:
                jobs = Jobs(state)
                state._jobs = jobs  # type: ignore[attr-defined]
    return jobs


_create_lock = threading.Lock()


def job_status(store: Store, job_id: str) -> JobStatus:
    row = store.job(job_id)
    if row is None:
        raise HTTPException(404, f"no job {job_id}")
    return JobStatus(**row)


@router.post(
    "/jobs",
    summary="Start an ingest in the background (needs a bearer token); answers with the job at once",
    status_code=202,
    response_model=JobStatus,
    dependencies=[Depends(require_writer)],
)
def api_start_job(body: IngestBody, state: WebState = Depends(web_state), store: Store = Depends(reader)) -> JobStatus:
    job_id = jobs_of(state).submit(body)
    return job_status(store, job_id)


@router.get("/jobs/{job_id}", summary="An ingest job: queued, running, done (with its report) or failed", response_model=JobStatus)
def api_job(job_id: str, store: Store = Depends(reader)) -> JobStatus:
    return job_status(store, job_id)
