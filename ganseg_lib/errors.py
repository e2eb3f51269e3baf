"""The two errors of the library. Each message names the file, folder or configuration field at
fault; the command line prints it as one line and exits with status 2."""


class DataError(ValueError):
    """A data file or folder is missing or malformed; the message names it and the problem."""


class ConfigError(ValueError):
    """A parameter or configuration value is invalid; the message names the parameter."""
