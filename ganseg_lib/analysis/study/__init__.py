"""The studies beyond the paper: records, verdicts, the answer, figures and compute."""
