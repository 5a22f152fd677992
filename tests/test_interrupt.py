"""SIGINT / SIGTERM in the middle of ``seedsift run``: previous outputs or none, never a mixture.

A real ``python -m seedsift run`` works on a generated corpus that takes a
few seconds. The test waits until the staging directory ``.out.staging-*``
appears (the run is writing), lets it work a little, signals it, and then
checks: the exit code (130 for SIGINT, 143 for SIGTERM), one ``interrupted``
line, ``out/`` byte-identical to before (or absent when there was none), no
``.staging-*`` / ``.old-*`` left behind, and a re-run that completes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import snapshot
from synth import make_corpus

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("interrupt") / "in"
    src.mkdir()
    for doc_id, text in make_corpus(300, seed=3).docs:
        (src / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return src


def start_run(src: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "seedsift", "run", str(src), "--out", str(out), "-q", *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def wait_for_staging(proc: subprocess.Popen, parent: Path, name: str, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.name.startswith(f".{name}.staging-") for p in parent.iterdir()):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.005)
    return False


def leftovers(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if ".staging-" in p.name or ".old-" in p.name]


def run_ok(src: Path, out: Path) -> None:
    res = subprocess.run([sys.executable, "-m", "seedsift", "run", str(src), "--out", str(out), "-q"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    assert (out / "run.json").is_file() and (out / "report.html").is_file()


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("previous", [False, True], ids=["fresh", "over-previous"])
@pytest.mark.parametrize("delay", [0.0, 1.0], ids=["at-start", "mid-run"])
def test_signal_mid_run_leaves_previous_output_or_none(tmp_path, corpus, sig, code, previous, delay):
    out = tmp_path / "out"
    if previous:
        run_ok(corpus, out)
    before = snapshot(out)
    proc = start_run(corpus, out)
    try:
        assert wait_for_staging(proc, tmp_path, "out"), "the run never started writing"
        time.sleep(delay)
        if proc.poll() is not None:
            pytest.fail("the run finished before it could be interrupted; enlarge the corpus")
        proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == code, (proc.returncode, stderr)
    assert "Traceback" not in stderr, stderr
    assert "seedsift: interrupted; previous outputs left as they were" in stderr
    assert snapshot(out) == before  # byte-identical, or still absent
    assert leftovers(tmp_path) == []
    run_ok(corpus, out)  # and a re-run completes
    assert leftovers(tmp_path) == []


def test_ctrl_c_to_the_whole_process_group_with_worker_processes(tmp_path, corpus):
    """At a terminal Ctrl-C reaches the dedupe worker processes too (``-j 2``, >= 64 documents)."""
    out = tmp_path / "out"
    run_ok(corpus, out)
    before = snapshot(out)
    proc = start_run(corpus, out, "-j", "2")
    try:
        assert wait_for_staging(proc, tmp_path, "out")
        time.sleep(1.5)  # into cleaning or the dedupe pool
        os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr, stderr
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_repeated_signals_do_not_leave_staging_behind(tmp_path, corpus):
    """A second and third Ctrl-C while the staging directory is being removed must not strand it."""
    out = tmp_path / "out"
    proc = start_run(corpus, out)
    try:
        assert wait_for_staging(proc, tmp_path, "out")
        time.sleep(1.0)
        for _ in range(5):
            if proc.poll() is not None:
                break
            proc.send_signal(signal.SIGINT)
            time.sleep(0.01)
        _, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert not out.exists()
    assert leftovers(tmp_path) == []
    # 130, or killed by a later SIGINT that landed after seedsift.cli.app.main had caught the first one
    # (main does not ignore further signals while it reports and exits; see the hardening report)
    assert proc.returncode in (130, -signal.SIGINT), stderr
    assert "Traceback" not in stderr or "KeyboardInterrupt" in stderr.splitlines()[-1], stderr


# ------------------------------------------------------------------ the races, made deterministic in process


@pytest.fixture
def default_sigint():
    """Python's own SIGINT handler for the test: a process started in the background by a
    non-interactive shell inherits SIGINT ignored, and Python then installs no handler
    (the in-process tests below would see no KeyboardInterrupt at all)."""
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, old)


def _signal_during(monkeypatch, module, name: str, sig=signal.SIGINT, times: int = 1):
    """Make ``module.name`` raise ``sig`` at this process right after it does its work."""
    real = getattr(module, name)
    calls = {"n": 0}

    def wrapped(*a, **kw):
        result = real(*a, **kw)
        calls["n"] += 1
        if calls["n"] <= times:
            os.kill(os.getpid(), sig)
        return result

    monkeypatch.setattr(module, name, wrapped)


def test_signal_while_the_stage_is_created_leaves_nothing(tmp_path, monkeypatch, default_sigint):
    import tempfile

    from seedsift.pipeline import atomic
    _signal_during(monkeypatch, tempfile, "mkdtemp")
    with pytest.raises(KeyboardInterrupt):
        with atomic.staged_directory(tmp_path / "out") as stage:
            atomic.write_text(stage / "x.txt", "never")
    assert list(tmp_path.iterdir()) == []


def test_signal_during_the_swap_completes_the_swap_first(tmp_path, monkeypatch, default_sigint):
    from seedsift.pipeline import atomic
    out = tmp_path / "out"
    with atomic.staged_directory(out) as stage:
        atomic.write_text(stage / atomic.MARKER, "{}")
        atomic.write_text(stage / "x.txt", "old")
    with pytest.raises(KeyboardInterrupt):
        with atomic.staged_directory(out) as stage:
            atomic.write_text(stage / "x.txt", "new")
            _signal_during(monkeypatch, os, "replace")  # the first rename of the swap
    # never half way: the new output is complete (the swap was held together), nothing left over
    assert (out / "x.txt").read_text() == "new" and (out / atomic.MARKER).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_sigterm_handler_is_restored_and_acted_on(tmp_path):
    """deferred_signals acts on a held-back SIGTERM with the handler that was installed (cli's Terminated)."""
    from seedsift.pipeline import atomic
    class Stop(BaseException):
        pass

    def handler(signum, frame):
        raise Stop()

    old = signal.signal(signal.SIGTERM, handler)
    try:
        with pytest.raises(Stop):
            with atomic.deferred_signals():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.05)  # would have raised here without the deferral
                reached = True
        assert reached
        assert signal.getsignal(signal.SIGTERM) is handler
    finally:
        signal.signal(signal.SIGTERM, old)


def test_an_interrupted_command_exits_although_a_helper_thread_is_stuck():
    """``console`` leaves with ``os._exit`` after an interrupt: a pool helper thread blocked on
    a pipe nobody reads (a stuck non-daemon thread here) cannot keep the command alive."""
    code = (
        "import threading, sys\n"
        "import seedsift.cli.app as app\n"
        "threading.Thread(target=threading.Event().wait).start()  # never ends, not a daemon\n"
        "def interrupted():\n"
        "    sys.stderr.write('seedsift: interrupted\\n')\n"
        "    return 143\n"
        "app.main = interrupted\n"
        "app.console()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 143 and proc.stderr == "seedsift: interrupted\n", proc


def test_an_interrupt_a_library_turns_into_another_error_is_reported_as_the_interrupt():
    """Ctrl-C that lands inside ``import opencc`` comes out as ImportError (its loader catches
    the KeyboardInterrupt and tries another way, which fails): the command must still end as
    interrupted (130, one line), not with a traceback. A real SIGINT reaches the real handler."""
    from seedsift.cli import app

    def import_that_swallows_the_interrupt():
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)  # the handler raises KeyboardInterrupt here
        except KeyboardInterrupt:
            raise ImportError("library not found by the fallback loader") from None

    assert app.interrupt_code(ImportError("no signal came")) is None
    old = signal.signal(signal.SIGINT, app._raise_interrupt)
    app._RECEIVED.clear()
    try:
        with pytest.raises(ImportError) as err:
            import_that_swallows_the_interrupt()
        assert app.interrupt_code(err.value) == 130
    finally:
        signal.signal(signal.SIGINT, old)
        app._RECEIVED.clear()
    assert app.interrupt_code(ImportError("no signal came")) is None
