"""The compute a set of run records used: runs, hours of training and evaluation, devices."""

from __future__ import annotations

import pandas as pd

COLUMNS = (
    "profile",
    "data",
    "runs",
    "failed",
    "train hours",
    "eval hours",
    "total hours",
    "devices",
)


def compute_used(df: pd.DataFrame) -> pd.DataFrame:
    """Per profile and data source: runs, training and evaluation hours (as each record's
    ``timing`` measured them), and the devices the records name."""
    rows = []
    for (profile, data), group in df.groupby(["profile", "data"], sort=True):
        train_s = sum(float(r.timing.get("train_seconds") or 0.0) for r in group["record"])
        eval_s = sum(float(r.timing.get("eval_seconds") or 0.0) for r in group["record"])
        rows.append(
            {
                "profile": profile,
                "data": data,
                "runs": len(group),
                "failed": int((group["status"] != "ok").sum()),
                "train hours": train_s / 3600,
                "eval hours": eval_s / 3600,
                "total hours": (train_s + eval_s) / 3600,
                "devices": "; ".join(sorted(set(group["device"]))),
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))
