"""The web server under bad input and concurrent writes: server paths, background jobs, nothing doubled."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
from test_web_support import build_store, serve

from storyline.store import Store
from storyline.web import create_app

TOKEN = "test-token-reliability"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def db(tmp_path_factory, seeds):
    return build_store(tmp_path_factory.mktemp("rel") / "rel.db", seeds)


@pytest.fixture(scope="module")
def client(db):
    with serve(create_app(db, token=TOKEN)) as server, httpx.Client(base_url=server.url, timeout=300) as c:
        yield c


def test_api_never_reads_server_files(client, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Server secret\nThe password of the server is hunter2.\n", encoding="utf-8")
    for given in (str(secret), str(tmp_path), str(tmp_path / "*.txt"), "file://" + str(secret), "/etc/passwd"):
        r = client.post("/api/ingest", json={"inputs": [given]}, headers=AUTH)
        assert r.status_code == 200, r.text
        report = r.json()
        assert (report["ingested"], report["failed"]) == (0, 1), report
        assert "never read over the API" in report["failures"][0]
    assert client.get("/api/search", params={"q": "hunter2"}).json()["results"] == []


def test_ingest_job_runs_in_the_background(client):
    record = [{"title": "Background job", "text": "The harbour board met on Friday and approved the new pier.", "published": "2019-05-03"}]
    r = client.post("/api/jobs", json=record, headers=AUTH)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] in ("queued", "running", "done") and job["id"].startswith("job-")
    assert client.post("/api/jobs", json=record).status_code == 401
    deadline = time.monotonic() + 240
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = client.get(f"/api/jobs/{job['id']}").json()
    assert job["status"] == "done" and job["report"]["ingested"] == 1, job
    assert client.get("/api/jobs/job-nosuch").status_code == 404


def test_concurrent_ingests_while_reading_double_nothing(client, db):
    records = [
        {"title": f"Ferry {n}", "text": f"Ferry line {n} resumed service on Tuesday after the storm, the operator said.", "published": f"2019-06-0{n}"}
        for n in range(1, 6)
    ]
    results: list[dict] = []
    read_status: list[int] = []
    stop = threading.Event()

    def post():
        results.append(client.post("/api/ingest", json=records, headers=AUTH).json())

    def read_loop():
        while not stop.is_set():
            read_status.append(client.get("/api/threads").status_code)

    readers = [threading.Thread(target=read_loop) for _ in range(2)]
    writers = [threading.Thread(target=post) for _ in range(3)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join(300)
    stop.set()
    for t in readers:
        t.join(30)
    assert sum(r["ingested"] for r in results) == len(records), results
    assert sum(r["duplicates"] for r in results) == 2 * len(records)
    assert read_status and set(read_status) == {200}
    with Store(db, readonly=True) as store:
        titles = [a.title for a in store.articles() if a.title.startswith("Ferry")]
        assert sorted(titles) == sorted(r["title"] for r in records)
        assert store.db.execute("SELECT count(*) FROM assignments a JOIN articles b ON b.id = a.article_id WHERE b.title LIKE 'Ferry%'").fetchone()[0] == 5


def test_a_client_that_never_finishes_its_headers_is_closed(tmp_path):
    import socket

    from storyline.web.security import HeaderTimeoutProtocol

    class Quick(HeaderTimeoutProtocol):
        header_timeout = 0.5

    app = create_app(str(tmp_path / "s.db"))
    with serve(app, http=Quick, timeout_keep_alive=30) as live:
        host, port = live.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as slow:
            slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # the head never ends
            start = time.monotonic()
            assert slow.recv(1024) == b""  # closed by the server, not by our 5 s timeout
            assert time.monotonic() - start < 3
        with socket.create_connection((host, int(port)), timeout=5) as fine:  # a whole head is answered
            fine.sendall(b"GET /api/threads HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert fine.recv(1024).startswith(b"HTTP/1.1 200")


def test_the_ingest_process_ends_with_a_killed_server(db):
    """A server killed with SIGKILL leaves no ingest process behind (it would hold the store and its pipes)."""
    import os
    import signal
    import socket
    import subprocess
    import sys

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "storyline", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "STORYLINE_TOKEN": TOKEN},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/api/threads", timeout=30)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        r = httpx.post(base + "/api/jobs", json=[{"title": "Ferry strike", "text": "Ferry crews went on strike on Monday."}], headers=AUTH, timeout=30)
        assert r.status_code in (200, 202), r.text
        deadline = time.monotonic() + 30
        while not (kids := _descendants(proc.pid)):
            assert time.monotonic() < deadline, "no ingest process was started"
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    deadline = time.monotonic() + 20
    while (alive := [k for k in kids if _running(k)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive, f"processes {alive} outlived the server"


def _stat(pid: int) -> list[str]:
    """The fields of ``/proc/PID/stat`` after the command name: state, parent pid, ..."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _running(pid: int) -> bool:
    fields = _stat(pid)
    return bool(fields) and fields[0] not in ("Z", "X")


def _descendants(pid: int) -> list[int]:
    parents = {int(p.name): int(f[1]) for p in Path("/proc").iterdir() if p.name.isdigit() and len(f := _stat(int(p.name))) > 1}
    found, frontier = [], {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found.extend(frontier)
    return found
