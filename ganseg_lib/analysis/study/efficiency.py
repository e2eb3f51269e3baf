"""The study's label efficiency: mean test AUC against labelled patches, per arm and size, with
its 95% t interval over seeds, and the replication's points in the same shape (the data of the
label-efficiency figure, :func:`ganseg_lib.analysis.study.plots.plot_label_efficiency`).
"""

from __future__ import annotations

import pandas as pd

from ganseg_lib.analysis.stats import mean_ci
from ganseg_lib.analysis.study.records import ARMS, arm_label, arm_scores
from ganseg_lib.experiment.study import PLAN
from ganseg_lib.train.methods import METHODS


def label_efficiency(df: pd.DataFrame) -> pd.DataFrame:
    """AUC against labelled patches: per arm and size, the mean primary score over seeds with
    its 95% t interval and the number of seeds (the replication's DC net only: the variants are
    single-size arms, and instance-norm ones are scored on other pixels)."""
    rows = []
    for method, protocol, _ in (a for a in ARMS if not a[2]):
        for n in sorted(
            {
                a
                for arm in PLAN
                if (arm.method, arm.protocol, arm.variant) == (method, protocol, "")
                for a in arm.sizes
            }
        ):
            scores = arm_scores(df, method, protocol, n)
            if not len(scores):
                continue
            mean, lo, hi = mean_ci(scores)
            rows.append(
                {
                    "source": "study",
                    "arm": arm_label(method, protocol),
                    "method": method,
                    "protocol": protocol,
                    "n_patches": n,
                    "seeds": len(scores),
                    "mean_auc": mean,
                    "ci_low": lo,
                    "ci_high": hi,
                }
            )
    return pd.DataFrame(rows, columns=EFFICIENCY_COLUMNS)


EFFICIENCY_COLUMNS = [
    "source",
    "arm",
    "method",
    "protocol",
    "n_patches",
    "seeds",
    "mean_auc",
    "ci_low",
    "ci_high",
]


def replication_efficiency(cpu: pd.DataFrame) -> pd.DataFrame:
    """The replication's points (profile ``cpu``, paper protocol, last checkpoint) in the shape
    of :func:`label_efficiency`, from :func:`ganseg_lib.evaluate.record.load_results`."""
    rows = []
    ok = cpu[(cpu["status"] == "ok") & cpu["mean_auc"].notna()] if len(cpu) else cpu
    for (method, n), group in ok.groupby(["method", "n_patches"]) if len(ok) else []:
        mean, lo, hi = mean_ci(group["mean_auc"].to_numpy(float))
        rows.append(
            {
                "source": "replication",
                "arm": f"{METHODS[method].label} (replication)",
                "method": method,
                "protocol": "paper",
                "n_patches": int(n),
                "seeds": len(group),
                "mean_auc": mean,
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    return pd.DataFrame(rows, columns=EFFICIENCY_COLUMNS)
