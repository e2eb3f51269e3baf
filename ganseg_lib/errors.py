"""The two errors of the library. Each message names the file, folder or configuration field at
fault; the command line prints it as one line and exits with status 2."""

from __future__ import annotations


class DataError(ValueError):
    """A data file or folder is missing or malformed; the message names it and the problem."""


class ConfigError(ValueError):
    """A parameter or configuration value is invalid; the message names the field.

    ``field`` is the name of the configuration field (``n_patches``), so that the command line
    can name its own flag (``--n-patches``) instead.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def require_int(field: str, value: object, minimum: int) -> None:
    """Raise :class:`ConfigError` naming ``field`` unless ``value`` is an integer ≥ ``minimum``."""
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ConfigError(f"{field} must be an integer >= {minimum}, got {value!r}", field)
