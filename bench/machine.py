"""What the benchmarks ran on: CPU, cores, instruction sets, torch build and threads, GPU, load."""

from __future__ import annotations

import os
import platform
import re
import socket
from pathlib import Path

import numpy as np
import torch

FLAGS_OF_INTEREST = ("avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16", "amx_tile")


def _cpuinfo() -> dict[str, str]:
    """The first processor block of /proc/cpuinfo (empty off Linux)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return {}
    info: dict[str, str] = {}
    for line in text.split("\n\n")[0].splitlines():
        key, sep, value = line.partition(":")
        if sep:
            info[key.strip()] = value.strip()
    return info


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except (OSError, ValueError, IndexError):
        pass
    return None


def _library_versions() -> dict[str, str]:
    """oneDNN and MKL versions from torch's build description."""
    show = torch.__config__.show()
    out = {}
    for name, pattern in (
        ("onednn", r"MKL-DNN v([\w.]+)"),
        ("mkl", r"Math Kernel Library Version ([\w.]+)"),
    ):
        m = re.search(pattern, show)
        if m:
            out[name] = m.group(1)
    return out


def machine_info(device: torch.device) -> dict:
    """A JSON-ready description of the machine, the software and the device used."""
    cpu = _cpuinfo()
    flags = set(cpu.get("flags", "").split())
    try:
        affinity = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        affinity = os.cpu_count()
    info = {
        "hostname": socket.gethostname(),
        "cpu_model": cpu.get("model name") or platform.processor() or platform.machine(),
        "cpu_family_model": (
            f"family {cpu['cpu family']} model {cpu['model']}"
            if "cpu family" in cpu and "model" in cpu
            else None
        ),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": affinity,
        "cpu_flags": {f: f in flags for f in FLAGS_OF_INTEREST} if flags else {},
        "torch_cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "memory_gib": _memory_gib(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "torch_threads": torch.get_num_threads(),
        **_library_versions(),
        "device": str(device),
        "gpu": None,
        "load_average": _load_average(),
    }
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        info["gpu"] = {
            "name": props.name,
            "memory_gib": round(props.total_memory / 2**30, 1),
            "capability": f"{props.major}.{props.minor}",
            "cuda": torch.version.cuda,
        }
    return info


def _load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def describe(info: dict) -> str:
    """One line: CPU, cores, instruction sets, torch, threads (and the GPU when one was used)."""
    flags = info.get("cpu_flags") or {}
    isa = [
        name
        for name, key in (("AVX2", "avx2"), ("AVX-512", "avx512f"), ("AMX", "amx_tile"))
        if flags.get(key)
    ]
    missing = [name for name, key in (("AVX-512", "avx512f"), ("AMX", "amx_tile")) if key in flags]
    missing = [m for m in missing if m not in isa]
    isa_text = ", ".join(isa) if isa else info.get("torch_cpu_capability", "?")
    if missing:
        isa_text += "; no " + ", no ".join(missing)
    model = info["cpu_model"]
    if info.get("cpu_family_model"):
        model += f" ({info['cpu_family_model']})"
    text = (
        f"{model}, {info['usable_cpus']} usable CPUs ({isa_text}), "
        f"torch {info['torch']}, {info['torch_threads']} threads"
    )
    if info.get("gpu"):
        gpu = info["gpu"]
        text += f"; GPU {gpu['name']} ({gpu['memory_gib']} GiB)"
    return text


def slug(text: str) -> str:
    """A file-name-safe lower-case form of ``text``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "machine"


def default_name(info: dict) -> str:
    """Results file stem: the GPU name on a GPU, else the CPU model and its core count."""
    if info.get("gpu"):
        return slug(info["gpu"]["name"])
    return f"{slug(info['cpu_model'])}-{info['usable_cpus']}c"
