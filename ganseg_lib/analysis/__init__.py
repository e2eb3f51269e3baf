"""Stage 6: statistics, the paper's claims and their verdicts, tables and figures."""
