"""One measurement in a fresh process (``python -m bench.worker SPEC``), for what must not share
a process with the rest of the suite: peak-memory probes (the high-water mark of a fresh process)
and torch.compile (guarded by a timeout, its compiled code and threads discarded afterwards).

SPEC is JSON: ``{"task": "train" | "dense_memory", ...}``; the result is printed as one line
``BENCH-RESULT <json>`` on stdout.
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    spec = json.loads(argv[0])
    import torch

    from bench import cases
    from bench.timing import Plan

    if spec.get("threads"):
        torch.set_num_threads(int(spec["threads"]))
    device = torch.device(spec.get("device", "cpu"))
    task = spec["task"]
    if task == "train":
        result = cases.train_case(
            spec["method"],
            int(spec["width"]),
            spec["variant"],
            device,
            Plan(**spec["plan"]),
            spec.get("data", "phantom"),
            int(spec.get("check_steps", 0)),
        )
    elif task == "dense_memory":
        result = cases.dense_memory_probe(int(spec["width"]), spec["image_path"], device)
    else:
        raise SystemExit(f"unknown task {task!r}")
    print(cases.RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
