"""Stage 7 beside the replication: a calibration of the project's semi-supervised GAN losses
(:mod:`ganseg_lib.model.losses`, K = 10) on scikit-learn's handwritten digits, where unlabelled
data is known to help (Salimans et al. 2016). ``python -m ganseg_lib.calibration`` re-runs it."""

from ganseg_lib.calibration.configurations import CONFIGURATIONS, HEADLINE, configuration
from ganseg_lib.calibration.digits import DigitsSplit, load_digits_scaled, split_digits
from ganseg_lib.calibration.networks import Classifier, Generator, k_plus_one
from ganseg_lib.calibration.record import (
    ARMS,
    RECORD,
    SEEDS,
    read_record,
    run_configuration,
    summarise,
    update_record,
)
from ganseg_lib.calibration.references import label_spreading_accuracy, logistic_accuracy
from ganseg_lib.calibration.report import (
    ablation_text,
    arm_table,
    configuration_table,
    earlier_runs_text,
    plot_configurations,
    plot_samples,
    plot_seeds,
    provenance_text,
    verdict,
)
from ganseg_lib.calibration.training import CalibrationConfig, accuracy, train_arm

__all__ = [
    "ARMS",
    "CONFIGURATIONS",
    "HEADLINE",
    "RECORD",
    "SEEDS",
    "CalibrationConfig",
    "Classifier",
    "DigitsSplit",
    "Generator",
    "ablation_text",
    "accuracy",
    "arm_table",
    "configuration",
    "configuration_table",
    "earlier_runs_text",
    "k_plus_one",
    "label_spreading_accuracy",
    "load_digits_scaled",
    "logistic_accuracy",
    "plot_configurations",
    "plot_samples",
    "plot_seeds",
    "provenance_text",
    "read_record",
    "run_configuration",
    "split_digits",
    "summarise",
    "train_arm",
    "update_record",
    "verdict",
]
