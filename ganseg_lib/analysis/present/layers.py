"""A network's layers as a table (chapter "Architecture")."""

from __future__ import annotations

import pandas as pd

from ganseg_lib.model.networks import layer_table


def layer_frame(module, example_input=None) -> pd.DataFrame:
    """:func:`~ganseg_lib.model.networks.layer_table` as a DataFrame with a total row."""
    frame = pd.DataFrame(layer_table(module, example_input))
    frame["output_shape"] = ["×".join(map(str, s)) for s in frame["output_shape"]]
    total = {
        "name": "total",
        "type": "",
        "output_shape": "",
        "parameters": int(frame["parameters"].sum()),
        "flops": int(frame["flops"].sum()),
    }
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
