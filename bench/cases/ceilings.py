"""Machine ceilings: fp32 and bf16 matrix products and the convolutions the DC net spends its
time in; the fp32 convolution ceiling is the best fp32 convolution rate measured here."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from bench import flops as fl
from bench.cases.common import Settings, device_sync, guard, make_row
from bench.timing import measure


def bench_matmul(s: Settings, dtype: torch.dtype) -> dict:
    n = s.matmul_size
    label = {torch.float32: "fp32", torch.bfloat16: "bf16"}[dtype]
    g = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, generator=g).to(s.device, dtype)
    b = torch.randn(n, n, generator=g).to(s.device, dtype)
    c = torch.empty(n, n, device=s.device, dtype=dtype)
    t = measure(lambda: torch.mm(a, b, out=c), s.fast, device_sync(s.device))
    gflops = fl.matmul_flops(n, n, n) / t.seconds / 1e9
    return make_row(
        f"ceiling/matmul/{label}",
        "ceiling",
        f"matmul {n}×{n}",
        label,
        gflops,
        "GFLOP/s",
        t,
        gflops,
        details={"n": n},
        vs_ceiling=False,
    )


@dataclass(frozen=True)
class ConvCase:
    key: str
    name: str
    n: int
    c_in: int
    c_out: int
    hw: tuple[int, int]  # input height, width
    stride: int = 1
    dilation: int = 1
    kernel: int = 4
    backward: bool = False  # forward + input gradient + weight gradient (3 × the forward)

    @property
    def out_hw(self) -> tuple[int, int]:
        span = self.dilation * (self.kernel - 1)
        return tuple((x - span - 1) // self.stride + 1 for x in self.hw)

    @property
    def flops(self) -> int:
        f = fl.conv2d_flops(self.n, self.c_in, self.c_out, self.kernel, self.out_hw)
        return 3 * f if self.backward else f


def conv_cases(s: Settings) -> list[ConvCase]:
    """Representative convolutions, at width 32 (the paper profile's DC net):

    * the DC net's conv2 in training: N = 64, 32 → 64 channels, 4×4 stride 2 on 31×31;
      forward only, and forward + backward;
    * the dense path's conv3: one image slab, 64 → 128 channels, 4×4 dilation 4.
    """
    rows, cols = s.dense_conv_rows, s.dense_conv_cols
    return [
        ConvCase("dc-conv2-fwd", "DC conv2 fwd (N64 32→64 k4 s2 31²)", 64, 32, 64, (31, 31), 2),
        ConvCase(
            "dc-conv2-fwdbwd",
            "DC conv2 fwd+bwd (N64 32→64 k4 s2 31²)",
            64,
            32,
            64,
            (31, 31),
            2,
            backward=True,
        ),
        ConvCase(
            "dense-conv3",
            f"dense conv3 (64→128 k4 d4 → {rows}×{cols})",
            1,
            64,
            128,
            (rows + 12, cols + 12),
            dilation=4,
        ),
    ]


def bench_conv(s: Settings, case: ConvCase, dtype: torch.dtype, channels_last: bool) -> dict:
    label = {torch.float32: "fp32", torch.bfloat16: "bf16"}[dtype] + (
        "-cl" if channels_last else ""
    )
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    g = torch.Generator().manual_seed(0)
    x = torch.randn(case.n, case.c_in, *case.hw, generator=g).to(s.device, dtype)
    w = (0.05 * torch.randn(case.c_out, case.c_in, case.kernel, case.kernel, generator=g)).to(
        s.device, dtype
    )
    x, w = x.contiguous(memory_format=fmt), w.contiguous(memory_format=fmt)
    if case.backward:
        x.requires_grad_(True)
        w.requires_grad_(True)
        grad = torch.randn(case.n, case.c_out, *case.out_hw, generator=g).to(s.device, dtype)
        grad = grad.contiguous(memory_format=fmt)

        def fn():
            y = F.conv2d(x, w, stride=case.stride, dilation=case.dilation)
            gx, gw = torch.autograd.grad(y, (x, w), grad)
            return gx, gw

    else:

        @torch.inference_mode()
        def fn():
            return F.conv2d(x, w, stride=case.stride, dilation=case.dilation)

    t = measure(fn, s.fast, device_sync(s.device))
    gflops = case.flops / t.seconds / 1e9
    return make_row(
        f"ceiling/conv/{case.key}/{label}",
        "ceiling",
        case.name,
        label,
        gflops,
        "GFLOP/s",
        t,
        gflops,
        details={"flops": case.flops, "out_hw": case.out_hw},
    )


def bench_ceilings(s: Settings, log) -> tuple[list[dict], dict]:
    """Matrix products (fp32, bf16) and convolutions; the fp32 convolution ceiling is the best
    fp32 convolution rate measured here (contiguous or channels-last)."""
    rows = []
    for dtype in (torch.float32, torch.bfloat16):
        rows.append(guard(lambda dtype=dtype: bench_matmul(s, dtype), "ceiling/matmul", log))
    for case in conv_cases(s):
        layouts = [(torch.float32, False), (torch.float32, True)]
        if not case.backward:
            layouts.append((torch.bfloat16, True))
        for dtype, cl in layouts:
            rows.append(
                guard(
                    lambda case=case, dtype=dtype, cl=cl: bench_conv(s, case, dtype, cl),
                    f"ceiling/conv/{case.key}",
                    log,
                )
            )
    ceilings = summarise_ceilings(rows)
    return rows, ceilings


def summarise_ceilings(rows: list[dict]) -> dict:
    """{'matmul_fp32', 'matmul_bf16', 'conv_fp32', 'conv_fp32_key', 'conv_bf16'} from rows."""
    ok = [r for r in rows if r.get("status", "ok") == "ok" and r.get("gflops")]

    def best(prefix: str, suffixes: tuple[str, ...]) -> dict | None:
        cands = [r for r in ok if r["key"].startswith(prefix) and r["variant"] in suffixes]
        return max(cands, key=lambda r: r["gflops"], default=None)

    out: dict = {}
    for name, prefix, suffixes in (
        ("matmul_fp32", "ceiling/matmul/", ("fp32",)),
        ("matmul_bf16", "ceiling/matmul/", ("bf16",)),
        ("conv_fp32", "ceiling/conv/", ("fp32", "fp32-cl")),
        ("conv_bf16", "ceiling/conv/", ("bf16", "bf16-cl")),
    ):
        r = best(prefix, suffixes)
        out[name] = r["gflops"] if r else None
        out[name + "_key"] = r["key"] if r else None
    return out
