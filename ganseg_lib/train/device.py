"""Where a run computes: the device and, on a CPU, the number of threads."""

from __future__ import annotations

import torch

from ganseg_lib.errors import ConfigError


def resolve_device(device: str = "auto") -> torch.device:
    """'auto' is CUDA when available, else CPU."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except RuntimeError as err:
        raise ConfigError(f"device: {err}", "device") from err
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"device {device}: CUDA is not available on this machine", "device")
    return dev


def threads_label(k: int) -> str:
    """``"1 thread"``, ``"2 threads"``: how logs and records name the CPU threads of a run."""
    return f"{k} thread{'s' if k != 1 else ''}"


def device_label(device: torch.device) -> str:
    """``cpu (x86_64, 2 threads)`` or ``cuda:0 (NVIDIA H100)``: a record's device."""
    import platform

    if device.type == "cuda":
        return f"{device} ({torch.cuda.get_device_name(device)})"
    machine = platform.processor() or platform.machine()
    return f"{device} ({machine}, {threads_label(torch.get_num_threads())})"
