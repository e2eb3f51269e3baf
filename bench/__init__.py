"""ganseg benchmarks: machine ceilings, training throughput, whole-image inference, data
preparation, and the project's performance goals. Run ``python -m bench --help``."""
