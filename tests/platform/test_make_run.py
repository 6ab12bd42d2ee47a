"""`make run` starts the web server, two Celery workers and beat together (Makefile). When the web server cannot
start, make says why and exits with an error, and nothing it started is left running: the workers and beat used to
be signalled with `kill 0`, which also took down make and whatever had started it when they shared its process
group, and could leave a worker behind.

Each test runs make in its own session (so its process group is make's own, as a terminal's job is), on a
throwaway VAR_DIR, SQLite and the filesystem broker, without installing, migrating or seeding (`-o seed`)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(shutil.which("make") is None or not Path("/proc").is_dir(), reason="needs make and /proc"),
]

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.executable).parent.parent  # the virtualenv running these tests
SECONDS = 90  # the machine may be slow to start Celery; a make that hangs fails well before pytest's user gives up
# Settings under which the web server refuses to start and the workers and beat do not mind.
WEB_SERVER_REFUSES = {"DEBUG": "false", "SECRET_KEY": "make-run-test-only", "ALLOWED_HOSTS": ""}


def _environment(tmp_path, **extra) -> dict:
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "MAKEFLAGS"}
    }
    return environ | {"VAR_DIR": str(tmp_path / "var")} | extra


def _make_run(tmp_path, port: int, *variables: str, **environ) -> tuple[int, str, float]:
    """Run `make run` until it exits (or SECONDS pass: the test fails); its exit status, output and duration."""
    command = ["make", "--no-print-directory", "-o", "seed", "run", f"PORT={port}", f"VENV={VENV}"]
    command += [f"PY={sys.executable}", f"PYTHON={sys.executable}", *variables]
    started = time.monotonic()
    make = subprocess.Popen(
        command, cwd=ROOT, env=_environment(tmp_path, **environ), start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        output, _ = make.communicate(timeout=SECONDS)
    except subprocess.TimeoutExpired:
        output = ""
    finally:
        left = _processes_in_group(make.pid)
        if make.poll() is None or left:
            os.killpg(make.pid, signal.SIGKILL)
            make.communicate()
    assert make.returncode is not None and output, f"make run did not exit within {SECONDS} s: {left}"
    assert left == [], f"make run left these running:\n{left}\n{output}"
    return make.returncode, output, time.monotonic() - started


def _processes_in_group(group: int) -> list[str]:
    """The command lines of the processes in process group `group` (make's, all it started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:  # it ended meanwhile
            continue
        state, _parent, process_group = stat[stat.rindex(")") + 2 :].split()[:3]
        if int(process_group) == group and state != "Z":
            found.append(cmdline.replace(b"\0", b" ").decode(errors="replace").strip())
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_taken_port_is_said_at_once_and_nothing_starts(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        status, output, seconds = _make_run(tmp_path, port)

    assert status != 0
    assert f"make run: cannot serve at 127.0.0.1:{port}" in output and "make run PORT=8001" in output
    assert "The platform is starting" not in output and "celery" not in output.lower()
    assert seconds < 30


def test_when_the_web_server_cannot_start_the_workers_and_beat_are_stopped(tmp_path):
    status, output, _seconds = _make_run(tmp_path, _free_port(), **WEB_SERVER_REFUSES)

    assert status != 0, output
    assert "You must set settings.ALLOWED_HOSTS" in output
    assert "make run: the web server stopped (exit status 1), so the Celery workers and beat are stopped too." in output


def test_a_worker_that_does_not_stop_when_asked_is_killed(tmp_path):
    # A "celery" that ignores TERM, as a worker stuck starting up or in a task would.
    fake = tmp_path / "venv" / "bin"
    fake.mkdir(parents=True)
    started = tmp_path / "started"
    (fake / "celery").write_text(f"#!/bin/sh\necho $$ >> {started}\ntrap '' INT TERM\nexec sleep 600\n")
    (fake / "celery").chmod(0o755)

    status, output, seconds = _make_run(
        tmp_path, _free_port(), f"VENV={fake.parent}", "RUN_STOP_SECONDS=1", **WEB_SERVER_REFUSES
    )

    assert status != 0 and "the Celery workers and beat are stopped too" in output
    assert len(started.read_text().split()) == 3  # two workers and beat, all gone (_make_run checks)
    assert seconds < 60
