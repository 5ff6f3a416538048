"""A `serve` process of its own, for benchmarks and tests: start it, wait until /api/health answers, read its
build and its memory, stop it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path


def start_serve(index_dir: Path, port: int, corpus: Path | None = None, backend: str | None = None,
                watch: bool = False, auth: str | None = None, log: Path | None = None) -> subprocess.Popen:
    """Start `assistant serve` on 127.0.0.1:port in a process of its own (wait_healthy tells when it answers)."""
    cmd = [sys.executable, "-m", "assistant.cli", "serve", "--index", str(index_dir), "--port", str(port)]
    cmd += ["--corpus", str(corpus)] if corpus is not None else []
    cmd += ["--backend", backend] if backend else []
    cmd += ["--watch"] if watch else []
    env = dict(os.environ, **({"ASSISTANT_AUTH": auth} if auth else {}))
    if log is None:
        return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    with open(log, "ab") as out:
        return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)


def serve_process(index_dir: Path, port: int, corpus: Path | None = None, backend: str | None = None,
                  watch: bool = False, auth: str | None = None, timeout: float = 120.0,
                  log: Path | None = None) -> subprocess.Popen:
    """start_serve, returning once /api/health answers (the process is stopped if it never does)."""
    proc = start_serve(index_dir, port, corpus, backend, watch, auth, log)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc, timeout, tuple(auth.split(":", 1)) if auth else None)
    except BaseException:
        stop_process(proc)
        raise
    return proc


def health(url: str, auth: tuple[str, str] | None = None, timeout: float = 10.0) -> dict:
    import httpx

    response = httpx.get(f"{url.rstrip('/')}/api/health", auth=auth, timeout=timeout)
    response.raise_for_status()
    return response.json()


def wait_healthy(url: str, proc: subprocess.Popen | None = None, timeout: float = 120.0,
                 auth: tuple[str, str] | None = None) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server process exited with status {proc.returncode} before answering")
        try:
            return health(url, auth, timeout=5)
        except Exception:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no answer from {url}/api/health within {timeout:.0f}s") from None
            time.sleep(0.2)


def stop_process(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def rss_mb(pid: int, field: str = "VmHWM") -> float:
    """A process's memory from /proc/<pid>/status: VmHWM is its peak resident set, VmRSS the current one (MB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def wait_for_build(url: str, old_build: str, done: threading.Event, timeout: float = 600.0,
                   auth: tuple[str, str] | None = None) -> None:
    """Set `done` once the server at `url` answers from a build other than `old_build` (or after `timeout`)."""
    deadline = time.monotonic() + timeout
    while not done.is_set() and time.monotonic() < deadline:
        try:
            if health(url, auth)["build"] != old_build:
                break
        except Exception:
            pass
        time.sleep(0.1)
    done.set()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
