"""Running one case in a fresh process (``python -m bench.worker SPEC``), for what must not
share a process with the rest of the suite: peak-memory probes and torch.compile."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from bench.cases.common import ROOT

RESULT_PREFIX = "BENCH-RESULT "  # the worker prints its result as one line "BENCH-RESULT <json>"


def run_worker(spec: dict, timeout_s: float) -> dict:
    """Run ``python -m bench.worker SPEC`` in its own process group; return its result dict, or
    {'error': ...} on failure or timeout (the whole group is killed then)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("TORCHINDUCTOR_COMPILE_THREADS", "1")  # compile in-process: no worker pool
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.worker", json.dumps(spec)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the worker's own group, started above
        except ProcessLookupError:
            pass
        proc.communicate()
        return {"error": f"timed out after {timeout_s:.0f} s"}
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    tail = [ln for ln in stderr.strip().splitlines() if ln.strip()][-1:] or ["no output"]
    return {"error": f"worker exited with {proc.returncode}: {tail[0]}"}
