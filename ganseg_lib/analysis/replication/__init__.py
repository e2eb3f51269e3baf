"""The replication of the paper: its claims, their verdicts, tables and figures."""
