"""The performance goals of the issue, judged from a results dictionary (pure functions).

Each goal gets a status:

* ``PASS`` / ``MISS`` — measured under the goal's conditions and compared with the target;
* ``N/A`` — measured, but not under the goal's conditions (a ``--quick`` run's smaller image or
  patch count): the measured value is shown, the verdict is not given;
* ``NOT RUN`` — the measurement was not made or failed (the detail says which).

Misses are reported like passes: the table shows every goal with its measured value.
"""

from __future__ import annotations

DRIVE_SHAPE = (584, 565)
PATCH_GOAL_N = 150_000

TRAIN_EFFICIENCY = 0.60  # GAN-CNN training ≥ 60 % of the fp32 convolution ceiling
# patches/s of the library's step against the replication's step, same machine, same run
TRAIN_SPEEDUP = {"gan": 1.5, "cnn": 1.3}
BF16_SPEEDUP = 1.6  # bf16 ≥ 1.6 × fp32 throughput
BF16_AUC_DELTA = 0.003  # |AUC(bf16) − AUC(fp32)| ≤ 0.003
DENSE_SPEEDUP = 20.0  # dense ≥ 20 × the patch-wise reference
DENSE_EFFICIENCY = 0.50  # dense ≥ 50 % of the fp32 convolution ceiling
DENSE_MEMORY_GB = 4.0  # dense peak resident memory ≤ 4 GB
PATCH_SECONDS = 5.0  # 150K patches in ≤ 5 s

PASS, MISS, NA, NOT_RUN = "PASS", "MISS", "N/A", "NOT RUN"


def judge(measured: float | None, target: float, op: str) -> str:
    """PASS or MISS for ``measured op target`` (op ``>=`` or ``<=``); NOT RUN without a value."""
    if op not in (">=", "<="):
        raise ValueError(f"op must be '>=' or '<=', got {op!r}")
    if measured is None or measured != measured:  # None or NaN
        return NOT_RUN
    ok = measured >= target if op == ">=" else measured <= target
    return PASS if ok else MISS


def _goal(
    goal_id: str,
    text: str,
    measured: float | None,
    target: float,
    op: str,
    detail: str,
    applicable: bool = True,
) -> dict:
    status = judge(measured, target, op)
    if status != NOT_RUN and not applicable:
        status = NA
    return {
        "id": goal_id,
        "goal": text,
        "measured": measured,
        "target": target,
        "op": op,
        "status": status,
        "detail": detail,
    }


def _ok(rows: dict, key: str) -> dict | None:
    row = rows.get(key)
    return row if row is not None and row.get("status", "ok") == "ok" else None


def _why_missing(rows: dict, *keys: str) -> str:
    for key in keys:
        row = rows.get(key)
        if row is None:
            return f"not measured ({key})"
        if row.get("status", "ok") != "ok":
            return f"{key} {row.get('status')}: {row.get('note', '')}".strip()
    return "not measured"


def evaluate_goals(results: dict) -> list[dict]:
    """The goal table of a results dictionary (as written by ``bench.run``)."""
    rows = {r["key"]: r for r in results.get("rows", [])}
    settings = results.get("settings", {})
    ceiling = (results.get("ceilings") or {}).get("conv_fp32")
    goals: list[dict] = []
    for w in settings.get("train_widths", []):
        goals.append(_train_efficiency(rows, w, ceiling))
    for w in settings.get("train_widths", []):
        goals.extend(_train_speedup(rows, method, w) for method in TRAIN_SPEEDUP)
    for w in settings.get("train_widths", []):
        goals.append(_bf16_speed(rows, w))
    goals.append(_bf16_auc(rows, settings))
    for w in settings.get("dense_widths", []):
        goals.extend(_dense(rows, w, ceiling))
    goals.append(_patches(rows))
    return goals


def _train_efficiency(rows: dict, w: int, ceiling: float | None) -> dict:
    key = f"training/gan/w{w}/fp32"
    text = f"GAN-CNN training, width {w}, fp32: ≥ {TRAIN_EFFICIENCY:.0%} of the conv ceiling"
    row = _ok(rows, key)
    if row is None or not ceiling:
        why = _why_missing(rows, key) if row is None else "no fp32 convolution ceiling measured"
        return _goal(f"train-ceiling-w{w}", text, None, TRAIN_EFFICIENCY, ">=", why)
    ratio = row["gflops"] / ceiling
    detail = f"{row['gflops']:.1f} of {ceiling:.1f} GFLOP/s (nominal FLOPs)"
    best = _best_training_variant(rows, "gan", w)
    if best is not None and best["variant"] != "fp32":
        detail += f"; best variant {best['variant']}: {best['gflops'] / ceiling:.0%}"
    return _goal(f"train-ceiling-w{w}", text, ratio, TRAIN_EFFICIENCY, ">=", detail)


def _train_speedup(rows: dict, method: str, w: int) -> dict:
    new, old = f"training/{method}/w{w}/fp32", f"training/{method}/w{w}/replication"
    name = "GAN-CNN" if method == "gan" else "CNN"
    target = TRAIN_SPEEDUP[method]
    text = f"{name} training, width {w}: ≥ {target}× the replication's step (patches/s)"
    r_new, r_old = _ok(rows, new), _ok(rows, old)
    if r_new is None or r_old is None:
        return _goal(
            f"train-speedup-{method}-w{w}", text, None, target, ">=", _why_missing(rows, new, old)
        )
    detail = f"{r_new['value']:.0f} vs {r_old['value']:.0f} patches/s"
    return _goal(
        f"train-speedup-{method}-w{w}", text, r_new["value"] / r_old["value"], target, ">=", detail
    )


def _best_training_variant(rows: dict, method: str, w: int) -> dict | None:
    prefix = f"training/{method}/w{w}/"
    candidates = [
        r
        for k, r in rows.items()
        if k.startswith(prefix) and r.get("status", "ok") == "ok" and r.get("gflops")
    ]
    return max(candidates, key=lambda r: r["gflops"], default=None)


def _bf16_speed(rows: dict, w: int) -> dict:
    k32, k16 = f"training/gan/w{w}/fp32", f"training/gan/w{w}/bf16"
    text = f"GAN-CNN training, width {w}: bf16 ≥ {BF16_SPEEDUP}× fp32 patches/s"
    r32, r16 = _ok(rows, k32), _ok(rows, k16)
    if r32 is None or r16 is None:
        why = _why_missing(rows, k32, k16)
        return _goal(f"bf16-speed-w{w}", text, None, BF16_SPEEDUP, ">=", why)
    ratio = r16["value"] / r32["value"]
    detail = f"{r16['value']:.0f} vs {r32['value']:.0f} patches/s"
    return _goal(f"bf16-speed-w{w}", text, ratio, BF16_SPEEDUP, ">=", detail)


def _bf16_auc(rows: dict, settings: dict) -> dict:
    text = f"bf16 validation AUC within {BF16_AUC_DELTA} of fp32 (phantom training run)"
    auc_rows = [r for k, r in rows.items() if k.startswith("auc/")]
    row = next((r for r in auc_rows if r.get("status", "ok") == "ok"), None)
    if row is None:
        why = (
            _why_missing(rows, auc_rows[0]["key"])
            if auc_rows
            else "not run: needs a training run, use --auc-check"
        )
        return _goal("bf16-auc", text, None, BF16_AUC_DELTA, "<=", why)
    d = row["details"]
    detail = (
        f"AUC fp32 {d['auc_fp32']:.4f}, bf16 {d['auc_bf16']:.4f} "
        f"({d['iterations']} iterations, width {d['width']}, {len(d['seeds'])} seed(s))"
    )
    applicable = not settings.get("quick", False)
    if not applicable:
        detail += "; quick run: reduced data, verdict not given"
    return _goal("bf16-auc", text, abs(row["value"]), BF16_AUC_DELTA, "<=", detail, applicable)


def _shape_note(shape) -> tuple[bool, str]:
    if tuple(shape) == DRIVE_SHAPE:
        return True, ""
    return False, (
        f"; measured on a {shape[0]}×{shape[1]} image, the goal is per "
        f"{DRIVE_SHAPE[0]}×{DRIVE_SHAPE[1]} image: verdict not given"
    )


def _dense(rows: dict, w: int, ceiling: float | None) -> list[dict]:
    kd, kp, km = f"inference/dense/w{w}", f"inference/patchwise/w{w}", f"inference/memory/w{w}"
    rd, rp, rm = _ok(rows, kd), _ok(rows, kp), _ok(rows, km)
    out = []
    text = f"dense inference, width {w}: ≥ {DENSE_SPEEDUP:.0f}× the patch-wise reference"
    if rd is None or rp is None:
        out.append(
            _goal(
                f"dense-speedup-w{w}", text, None, DENSE_SPEEDUP, ">=", _why_missing(rows, kd, kp)
            )
        )
    else:
        ok, note = _shape_note(rd["details"]["image_shape"])
        ratio = rp["value"] / rd["value"]
        detail = (
            f"{rd['value']:.2f} s vs {rp['value']:.1f} s per image (patch-wise extrapolated "
            f"from {rp['details']['n_pixels']} pixels){note}"
        )
        out.append(_goal(f"dense-speedup-w{w}", text, ratio, DENSE_SPEEDUP, ">=", detail, ok))
    text = f"dense inference, width {w}: ≥ {DENSE_EFFICIENCY:.0%} of the conv ceiling"
    if rd is None or not ceiling:
        why = _why_missing(rows, kd) if rd is None else "no fp32 convolution ceiling measured"
        out.append(_goal(f"dense-ceiling-w{w}", text, None, DENSE_EFFICIENCY, ">=", why))
    else:
        ok, note = _shape_note(rd["details"]["image_shape"])
        detail = f"{rd['gflops']:.1f} of {ceiling:.1f} GFLOP/s{note}"
        out.append(
            _goal(
                f"dense-ceiling-w{w}",
                text,
                rd["gflops"] / ceiling,
                DENSE_EFFICIENCY,
                ">=",
                detail,
                ok,
            )
        )
    text = f"dense inference, width {w}: peak memory ≤ {DENSE_MEMORY_GB:.0f} GB"
    if rm is None:
        out.append(
            _goal(f"dense-memory-w{w}", text, None, DENSE_MEMORY_GB, "<=", _why_missing(rows, km))
        )
    else:
        ok, note = _shape_note(rm["details"]["image_shape"])
        detail = (
            f"peak resident {rm['value']:.2f} GB in a fresh process "
            f"(+{rm['details']['growth_bytes'] / 1e9:.2f} GB during the call){note}"
        )
        out.append(
            _goal(f"dense-memory-w{w}", text, rm["value"], DENSE_MEMORY_GB, "<=", detail, ok)
        )
    return out


def _patches(rows: dict) -> dict:
    key = "data/patches"
    text = f"{PATCH_GOAL_N // 1000}K patches extracted (make_patch_set) in ≤ {PATCH_SECONDS:.0f} s"
    row = _ok(rows, key)
    if row is None:
        return _goal("patches-150k", text, None, PATCH_SECONDS, "<=", _why_missing(rows, key))
    d = row["details"]
    ok = d["n_patches"] == PATCH_GOAL_N
    detail = f"{d['n_patches']} patches from {d['n_images']} {d['data']} images"
    if not ok:
        detail += f"; the goal is for {PATCH_GOAL_N}: verdict not given"
    return _goal("patches-150k", text, row["value"], PATCH_SECONDS, "<=", detail, ok)
