"""Results as a text table (printed), JSON (the record) and a markdown table (for the book)."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

from bench.goals import NA, NOT_RUN, PASS
from ganseg_lib.atomic import write_text_atomic

SCHEMA = 1
GROUPS = {
    "ceiling": "Machine ceilings",
    "training": "Training throughput (mini-batch 64)",
    "inference": "Whole-image inference",
    "data": "Data preparation",
    "auc": "bf16 accuracy check",
}
ROW_HEADERS = ("benchmark", "variant", "result", "GFLOP/s", "% conv ceiling", "spread", "note")
GOAL_HEADERS = ("goal", "measured", "target", "status", "detail")


def fmt(x: float | None) -> str:
    """A number with about three significant digits, thousands separated; '—' for none."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    ax = abs(x)
    if ax >= 100:
        return f"{x:,.0f}"
    if ax >= 10:
        return f"{x:.1f}"
    if ax >= 1:
        return f"{x:.2f}"
    if ax == 0:
        return "0"
    return f"{x:.3g}"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


def row_cells(row: dict, ceiling: float | None) -> list[str]:
    """The table cells of one measurement row."""
    status = row.get("status", "ok")
    if status != "ok":
        result = status.upper()
    else:
        result = f"{fmt(row.get('value'))} {row.get('unit', '')}".strip()
    gflops = row.get("gflops") if status == "ok" else None
    share = gflops / ceiling if gflops and ceiling and row.get("vs_ceiling", True) else None
    spread = row.get("spread")
    return [
        row.get("name", row["key"]),
        row.get("variant", ""),
        result,
        fmt(gflops),
        _pct(share),
        "—" if spread is None else f"±{spread / 2:.0%}",
        row.get("note", ""),
    ]


def goal_cells(goal: dict) -> list[str]:
    measured = goal["measured"]
    if goal["id"].startswith(("train-ceiling", "dense-ceiling")):
        m, t = _pct(measured), f"{goal['op']} {goal['target']:.0%}"
    elif goal["id"].startswith(("bf16-speed", "dense-speedup")):
        m = "—" if measured is None else f"{measured:.2f}×"
        t = f"{goal['op']} {goal['target']:g}×"
    elif goal["id"].startswith("dense-memory"):
        m = "—" if measured is None else f"{measured:.2f} GB"
        t = f"{goal['op']} {goal['target']:g} GB"
    elif goal["id"].startswith("patches"):
        m = "—" if measured is None else f"{measured:.2f} s"
        t = f"{goal['op']} {goal['target']:g} s"
    else:
        m = "—" if measured is None else f"{measured:.4f}"
        t = f"{goal['op']} {goal['target']:g}"
    return [goal["goal"], m, t, goal["status"], goal["detail"]]


def text_table(headers, rows) -> str:
    """A plain, left-aligned text table."""
    rows = [[str(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(out)


def markdown_table(headers, rows) -> str:
    """A GitHub/MyST pipe table; pipes inside cells are escaped."""

    def esc(c) -> str:
        return str(c).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(esc(h) for h in headers) + " |"]
    out.append("|" + "|".join("---" for _ in headers) + "|")
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def _grouped(results: dict):
    ceiling = (results.get("ceilings") or {}).get("conv_fp32")
    for group, title in GROUPS.items():
        rows = [r for r in results.get("rows", []) if r.get("group") == group]
        if rows:
            yield title, [row_cells(r, ceiling) for r in rows]


def _header_lines(results: dict) -> list[str]:
    s = results.get("settings", {})
    lines = [f"machine: {results.get('machine_summary', '?')}"]
    lines.append(
        f"date: {results.get('created', '?')}; data: {s.get('data', '?')}; "
        f"device: {s.get('device', '?')}; load average at start: "
        f"{(results.get('machine') or {}).get('load_average')}"
    )
    c = results.get("ceilings") or {}
    if c.get("conv_fp32"):
        lines.append(
            f"fp32 convolution ceiling: {c['conv_fp32']:.1f} GFLOP/s ({c.get('conv_fp32_key')}); "
            "'% conv ceiling' and the efficiency goals are relative to it"
        )
    if s.get("quick"):
        lines.append(
            "QUICK RUN: reduced sizes and repetitions; numbers are not representative and "
            "size-dependent goals are not judged (N/A)"
        )
    return lines


def render_text(results: dict) -> str:
    parts = ["ganseg benchmarks", *_header_lines(results)]
    for title, cells in _grouped(results):
        parts += ["", title, text_table(ROW_HEADERS, cells)]
    goals = results.get("goals", [])
    if goals:
        parts += ["", "Goals", text_table(GOAL_HEADERS, [goal_cells(g) for g in goals])]
        parts.append(summary_line(goals))
    for note in results.get("notes", []):
        parts.append(f"note: {note}")
    return "\n".join(parts) + "\n"


def summary_line(goals: list[dict]) -> str:
    counts = {s: sum(g["status"] == s for g in goals) for s in (PASS, "MISS", NA, NOT_RUN)}
    return "goals: " + ", ".join(f"{n} {s}" for s, n in counts.items())


def render_markdown(results: dict) -> str:
    """Markdown for a book page to include: no top-level heading, one table per group."""
    parts = [line + "  " for line in _header_lines(results)]
    parts[-1] = parts[-1].rstrip()
    goals = results.get("goals", [])
    if goals:
        parts += ["", "**Goals**", "", markdown_table(GOAL_HEADERS, [goal_cells(g) for g in goals])]
        parts += ["", summary_line(goals)]
    for title, cells in _grouped(results):
        parts += ["", f"**{title}**", "", markdown_table(ROW_HEADERS, cells)]
    for note in results.get("notes", []):
        parts += ["", f"Note: {note}"]
    return "\n".join(parts) + "\n"


def _clean(obj):
    """JSON-safe copy: non-finite floats become None, tuples lists."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def write_results(results: dict, out_dir: str | os.PathLike, stem: str, latest: str) -> list[Path]:
    """Write ``<stem>.json``, ``<latest>.json`` and ``<latest>.md`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = _clean({"schema": SCHEMA, **results})
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    paths = [out / f"{stem}.json", out / f"{latest}.json", out / f"{latest}.md"]
    write_text_atomic(paths[0], text)
    write_text_atomic(paths[1], text)
    write_text_atomic(paths[2], render_markdown(data))
    return paths


def read_results(path: str | os.PathLike) -> dict:
    """A results file written by :func:`write_results`."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("schema") != SCHEMA:
        raise ValueError(f"{path}: unknown results schema {data.get('schema')!r}")
    return data
