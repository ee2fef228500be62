"""Ingest as background jobs: ``POST /api/jobs`` answers at once with a job id, ``GET /api/jobs/{id}`` its status.

One worker thread per server process runs the jobs one after another through the
store's single writer (:meth:`storyline.store.Store.writer` serialises the processes
of ``serve --workers N``); the request threads only read, so pages and API reads are
answered while a job runs. ``POST /api/ingest`` is a job that the request waits for.
The jobs table in the store keeps each job's status and report, so any server
process answers for any job.
"""

from __future__ import annotations

import queue
import secrets
import threading
from typing import Any, Optional, Union

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from ..store import Store
from .schemas import IngestInputs, IngestResult
from .state import WebState, reader, require_writer, web_state

IngestBody = Union[list[dict[str, Any]], IngestInputs]

router = APIRouter(prefix="/api", tags=["jobs"])


class JobStatus(BaseModel):
    id: str
    status: str  # queued, running, done, failed
    created_at: str
    finished_at: Optional[str] = None
    report: Optional[IngestResult] = None
    error: Optional[str] = None


class Jobs:
    """The job queue of one server process and the thread that works through it."""

    def __init__(self, state: WebState):
        self.state = state
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._done: dict[str, threading.Event] = {}
        self._store: Store | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _jobs_store(self) -> Store:
        if self._store is None:
            self._store = Store(self.state.stores.path)
        return self._store

    def submit(self, body: Any) -> str:
        job_id = f"job-{secrets.token_hex(8)}"
        with self._lock:
            self._jobs_store().create_job(job_id)
            self._done[job_id] = threading.Event()
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="storyline-jobs", daemon=True)
                self._thread.start()
        self._queue.put((job_id, body))
        return job_id

    def wait(self, job_id: str, timeout: float | None = None) -> bool:
        event = self._done.get(job_id)
        return True if event is None else event.wait(timeout)

    def _work(self) -> None:
        from ..errors import StorylineError

        while True:
            job_id, body = self._queue.get()
            with self._lock:
                jobs = self._jobs_store()
                jobs.update_job(job_id, "running")
            try:
                with self.state.stores.write_lock:
                    corpus = self.state.stores.writer()
                    if isinstance(body, IngestInputs):
                        report = corpus.ingest(body.inputs, local_files=False)
                    else:
                        report = corpus.add_records(body, origin="request")
                result = {k: getattr(report, k) for k in IngestResult.model_fields}
                with self._lock:
                    jobs.update_job(job_id, "done", report=result)
            except StorylineError as exc:
                with self._lock:
                    jobs.update_job(job_id, "failed", error=str(exc))
            except Exception as exc:  # noqa: BLE001 - a job that fails says why and the worker goes on
                with self._lock:
                    jobs.update_job(job_id, "failed", error=f"{type(exc).__name__}: {exc}")
            finally:
                event = self._done.pop(job_id, None)
                if event is not None:
                    event.set()


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
