#!/usr/bin/env python3
"""colossus calibration probe: measure one GPU and print a calibration profile (JSON) on stdout.

Self-contained: needs only Python 3.8+ and PyTorch with CUDA (or ROCm). Progress goes to stderr,
the profile (schemaVersion 1, see docs/calibrate.md) to stdout. `colossus calibrate` runs this
script, validates what it prints and fits the performance model's efficiencies to it; it can
also be run by hand:

    python3 calibration/probe.py [--quick] [--device 0] > profile.json

What it measures (each figure is the median of several timed repeats, after warm-up, timed
with CUDA events around a loop long enough that launch overhead does not matter):
  - GEMM throughput in BF16, and in FP8 (torch._scaled_mm, E4M3) where the GPU and PyTorch
    support it, over the shapes that training plans produce: square 1k-16k, and skinny
    token-count x (hidden, 4*hidden) GEMMs split by tensor parallelism (/1, /2, /4, /8);
  - flash attention (scaled_dot_product_attention, causal, BF16, head dim 128), forward and
    forward+backward, at sequence lengths 1k-16k;
  - HBM bandwidth of a device-to-device copy, and of element-wise kernels (add, LayerNorm).
The full run takes 1-3 minutes on an H100; --quick measures a subset in well under a minute.
"""

import argparse
import datetime
import json
import math
import platform
import statistics
import subprocess
import sys
import time

PROBE_VERSION = 1
SCHEMA_VERSION = 1


def log(msg):
    print(f"[probe] {msg}", file=sys.stderr, flush=True)


def fail(msg, code=2):
    log(f"error: {msg}")
    sys.exit(code)


# Imported in main(), so that the shape lists can be read (and tested) without PyTorch.
torch = None
F = None


def load_torch():
    global torch, F
    try:
        import torch as _torch
        import torch.nn.functional as _F
    except Exception as exc:  # noqa: BLE001 - any import failure means the same thing to the user
        fail(f"cannot import torch ({exc}); install PyTorch with CUDA support on this host")
    torch, F = _torch, _F


# ----------------------------------------------------------------------------- timing

def time_ms(fn, min_sample_ms=2.0, repeats=7, warmup_ms=50.0, max_inner=1000):
    """Median time of one call of fn, in milliseconds.

    Warm up for about warmup_ms (kernels selected, clocks up), then choose an inner loop
    count so that one timed sample lasts at least min_sample_ms, and time `repeats` samples
    with CUDA events. Returns the median of the per-call times of the samples.
    """
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    # First call (may compile/select kernels), then estimate one call's time.
    fn()
    torch.cuda.synchronize()
    start.record()
    fn()
    end.record()
    torch.cuda.synchronize()
    one_ms = max(start.elapsed_time(end), 1e-3)
    for _ in range(min(max_inner, max(1, int(warmup_ms / one_ms)))):
        fn()
    torch.cuda.synchronize()
    inner = min(max_inner, max(1, math.ceil(min_sample_ms / one_ms)))
    samples = []
    for _ in range(repeats):
        start.record()
        for _ in range(inner):
            fn()
        end.record()
        torch.cuda.synchronize()
        samples.append(start.elapsed_time(end) / inner)
    return statistics.median(samples)


# ----------------------------------------------------------------------------- shapes

SQUARE = [1024, 2048, 4096, 8192, 16384]
HIDDEN = [4096, 8192, 16384]
TP = [1, 2, 4, 8]
TOKENS = [512, 2048, 8192, 16384]

QUICK_SQUARE = [2048, 8192]
QUICK_HIDDEN = [8192]
QUICK_TP = [1, 8]
QUICK_TOKENS = [2048, 8192]


def gemm_shapes(quick):
    """(M, N, K) triples: M tokens, a K-wide input, an N-wide output."""
    square = QUICK_SQUARE if quick else SQUARE
    hidden = QUICK_HIDDEN if quick else HIDDEN
    tps = QUICK_TP if quick else TP
    tokens = QUICK_TOKENS if quick else TOKENS
    shapes = [(s, s, s) for s in square]
    for h in hidden:
        for tp in tps:
            for m in tokens:
                shapes.append((m, 4 * h // tp, h))  # column-parallel: MLP up / QKV
                shapes.append((m, h, 4 * h // tp))  # row-parallel: MLP down / output projection
    seen, out = set(), []
    for s in shapes:
        if s not in seen:
            seen.add(s)
            out.append(s)
    return out


def planned_shapes(quick):
    return {
        "gemm": [list(s) for s in gemm_shapes(quick)],
        "attentionSeqLens": QUICK_ATTN_SEQ if quick else ATTN_SEQ,
        "attentionHeads": ATTN_HEADS,
        "attentionHeadDim": ATTN_HEAD_DIM,
        "attentionTokens": ATTN_TOKENS,
    }


# ----------------------------------------------------------------------------- GEMM

def measure_gemm_bf16(m, n, k, device):
    a = torch.randn(m, k, device=device, dtype=torch.bfloat16)
    b = torch.randn(k, n, device=device, dtype=torch.bfloat16)
    c = torch.empty(m, n, device=device, dtype=torch.bfloat16)
    ms = time_ms(lambda: torch.matmul(a, b, out=c))
    del a, b, c
    return ms


def fp8_support(device):
    """None when FP8 GEMMs run here, else the reason they do not."""
    if not hasattr(torch, "_scaled_mm") or not hasattr(torch, "float8_e4m3fn"):
        return f"torch {torch.__version__} has no torch._scaled_mm / float8_e4m3fn"
    if torch.version.cuda is not None:
        major, minor = torch.cuda.get_device_capability(device)
        if (major, minor) < (8, 9):
            return f"compute capability {major}.{minor} has no FP8 tensor cores (needs 8.9+)"
    try:
        run = scaled_mm_fn(64, 64, 64, device)
        run()
        torch.cuda.synchronize()
    except Exception as exc:  # noqa: BLE001 - any failure means: skip FP8
        return f"torch._scaled_mm failed: {str(exc).splitlines()[0][:200]}"
    return None


def scaled_mm_fn(m, n, k, device):
    """A closure running an E4M3 x E4M3 -> BF16 GEMM of M x N x K (B column-major, as cuBLASLt wants)."""
    a = torch.randn(m, k, device=device).to(torch.float8_e4m3fn)
    b = torch.randn(n, k, device=device).to(torch.float8_e4m3fn).t()
    one = torch.ones((), device=device, dtype=torch.float32)

    def run():
        try:
            out = torch._scaled_mm(a, b, scale_a=one, scale_b=one, out_dtype=torch.bfloat16)
        except TypeError:
            out = torch._scaled_mm(a, b, out_dtype=torch.bfloat16)  # torch 2.1-2.3 signature
        return out[0] if isinstance(out, tuple) else out

    return run


def measure_gemm_fp8(m, n, k, device):
    ms = time_ms(scaled_mm_fn(m, n, k, device))
    torch.cuda.empty_cache()
    return ms


def gemm_table(quick, device, skipped, budget):
    rows = []
    shapes = gemm_shapes(quick)
    why_no_fp8 = fp8_support(device)
    if why_no_fp8 is not None:
        log(f"FP8 GEMMs skipped: {why_no_fp8}")
        skipped.append({"what": "gemm fp8", "reason": why_no_fp8})
    dtypes = ["bf16"] + ([] if why_no_fp8 is not None else ["fp8"])
    total = len(shapes) * len(dtypes)
    done = 0
    for dtype in dtypes:
        measure = measure_gemm_bf16 if dtype == "bf16" else measure_gemm_fp8
        for (m, n, k) in shapes:
            done += 1
            if budget.exceeded():
                skipped.append({"what": f"gemm {dtype} {m}x{n}x{k}", "reason": "time budget spent"})
                continue
            try:
                ms = measure(m, n, k, device)
            except torch.cuda.OutOfMemoryError:
                torch.cuda.empty_cache()
                skipped.append({"what": f"gemm {dtype} {m}x{n}x{k}", "reason": "out of memory"})
                continue
            tflops = 2.0 * m * n * k / (ms * 1e-3) / 1e12
            rows.append({"dtype": dtype, "m": m, "n": n, "k": k, "ms": float(f"{ms:.6g}"), "tflops": round(tflops, 2)})
            log(f"gemm {dtype} [{done}/{total}] {m}x{n}x{k}: {ms:.3f} ms, {tflops:.1f} TFLOP/s")
    return rows


# ----------------------------------------------------------------------------- attention

ATTN_SEQ = [1024, 2048, 4096, 8192, 16384]
QUICK_ATTN_SEQ = [2048, 8192]
ATTN_HEADS = 16  # e.g. 128 query heads split over TP 8
ATTN_HEAD_DIM = 128
ATTN_TOKENS = 32768  # batch x seqLen per measurement


def attention_table(quick, device, skipped, budget):
    rows = []
    seqs = QUICK_ATTN_SEQ if quick else ATTN_SEQ
    for i, s in enumerate(seqs):
        if budget.exceeded():
            skipped.append({"what": f"attention seq {s}", "reason": "time budget spent"})
            continue
        b = max(1, ATTN_TOKENS // s)
        shape = (b, ATTN_HEADS, s, ATTN_HEAD_DIM)
        try:
            q = torch.randn(shape, device=device, dtype=torch.bfloat16, requires_grad=True)
            k = torch.randn(shape, device=device, dtype=torch.bfloat16, requires_grad=True)
            v = torch.randn(shape, device=device, dtype=torch.bfloat16, requires_grad=True)
            grad = torch.randn(shape, device=device, dtype=torch.bfloat16)

            def fwd():
                with torch.no_grad():
                    return F.scaled_dot_product_attention(q, k, v, is_causal=True)

            def fwd_bwd():
                # autograd.grad, not backward(): no .grad accumulation kernels in the timing.
                out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
                torch.autograd.grad(out, (q, k, v), grad)

            fwd_ms = time_ms(fwd)
            fwd_bwd_ms = time_ms(fwd_bwd)
        except Exception as exc:  # noqa: BLE001 - report and go on with the other lengths
            torch.cuda.empty_cache()
            skipped.append({"what": f"attention seq {s}", "reason": str(exc).splitlines()[0][:200]})
            continue
        finally:
            q = k = v = grad = None
        # Causal attention FLOPs as the model counts them: QK^T and PV, half of the s x s blocks.
        fwd_flops = 4.0 * b * ATTN_HEADS * s * s * ATTN_HEAD_DIM * 0.5
        fwd_tflops = fwd_flops / (fwd_ms * 1e-3) / 1e12
        rows.append({
            "seqLen": s, "batch": b, "heads": ATTN_HEADS, "headDim": ATTN_HEAD_DIM, "causal": True,
            "fwdMs": float(f"{fwd_ms:.6g}"), "fwdBwdMs": float(f"{fwd_bwd_ms:.6g}"), "fwdTflops": round(fwd_tflops, 2),
        })
        log(f"attention [{i + 1}/{len(seqs)}] seq {s} x batch {b}: fwd {fwd_ms:.3f} ms ({fwd_tflops:.1f} TFLOP/s), "
            f"fwd+bwd {fwd_bwd_ms:.3f} ms (bwd/fwd {(fwd_bwd_ms - fwd_ms) / fwd_ms:.2f})")
    return rows


# ----------------------------------------------------------------------------- memory

def memory_table(quick, device, skipped):
    rows = []
    elems = (256 if quick else 512) * 2**20  # BF16 elements: 0.5-1 GiB per tensor, far beyond L2
    hidden = 8192
    x = torch.randn(elems, device=device, dtype=torch.bfloat16)
    y = torch.empty_like(x)
    z = torch.randn(elems, device=device, dtype=torch.bfloat16)
    nbytes = x.numel() * x.element_size()
    x2 = x.view(-1, hidden)
    weight = torch.ones(hidden, device=device, dtype=torch.bfloat16)
    bias = torch.zeros(hidden, device=device, dtype=torch.bfloat16)
    kernels = [
        ("copy", 2 * nbytes, lambda: y.copy_(x)),
        ("add", 3 * nbytes, lambda: torch.add(x, z, out=y)),
        ("layernorm", 2 * nbytes, lambda: F.layer_norm(x2, (hidden,), weight, bias)),
    ]
    for name, moved, fn in kernels:
        try:
            ms = time_ms(fn, min_sample_ms=5.0)
        except Exception as exc:  # noqa: BLE001
            skipped.append({"what": f"memory {name}", "reason": str(exc).splitlines()[0][:200]})
            continue
        gbps = moved / (ms * 1e-3) / 1e9
        rows.append({"kernel": name, "bytes": moved, "ms": float(f"{ms:.6g}"), "bandwidthGBps": round(gbps, 1)})
        log(f"memory {name}: {moved / 2**30:.2f} GiB moved in {ms:.3f} ms, {gbps:.0f} GB/s")
    del x, y, z, x2
    torch.cuda.empty_cache()
    return rows


# ----------------------------------------------------------------------------- device

def driver_version():
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=20, check=True,
        ).stdout.strip().splitlines()
        return out[0].strip() if out else "unknown"
    except Exception:  # noqa: BLE001 - no nvidia-smi (ROCm, containers): say so
        return "unknown"


def device_info(device):
    p = torch.cuda.get_device_properties(device)
    info = {
        "name": p.name,
        "memoryGiB": round(p.total_memory / 2**30, 2),
        "smCount": p.multi_processor_count,
        "computeCapability": f"{p.major}.{p.minor}",
        "count": torch.cuda.device_count(),
        "index": device,
    }
    return info


class Budget:
    def __init__(self, seconds):
        self.deadline = time.monotonic() + seconds

    def exceeded(self):
        return time.monotonic() > self.deadline


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="measure a subset (well under a minute)")
    ap.add_argument("--device", type=int, default=0, help="CUDA device index (default 0)")
    ap.add_argument("--budget-s", type=float, default=240.0,
                    help="stop starting new measurements after this many seconds (default 240)")
    ap.add_argument("--print-shapes", action="store_true", help="print the shapes it would measure (JSON) and exit")
    args = ap.parse_args()
    if args.print_shapes:
        print(json.dumps(planned_shapes(args.quick)))
        return

    load_torch()
    if not torch.cuda.is_available():
        fail("torch.cuda.is_available() is False: no CUDA/ROCm GPU visible to PyTorch on this host")
    if args.device < 0 or args.device >= torch.cuda.device_count():
        fail(f"--device {args.device}: this host has {torch.cuda.device_count()} GPU(s)")
    torch.cuda.set_device(args.device)
    device = args.device
    torch.backends.cuda.matmul.allow_tf32 = False
    started = time.monotonic()
    budget = Budget(args.budget_s)
    info = device_info(device)
    log(f"device {device}: {info['name']}, {info['memoryGiB']} GiB, {info['smCount']} SMs, "
        f"torch {torch.__version__}, CUDA {torch.version.cuda or '-'}{', HIP ' + torch.version.hip if getattr(torch.version, 'hip', None) else ''}")

    skipped = []
    log("HBM and element-wise bandwidth ...")
    memory = memory_table(args.quick, device, skipped)
    log("GEMMs ...")
    gemm = gemm_table(args.quick, device, skipped, budget)
    log("attention ...")
    attention = attention_table(args.quick, device, skipped, budget)

    profile = {
        "schemaVersion": SCHEMA_VERSION,
        "probe": {"version": PROBE_VERSION, "quick": bool(args.quick), "seconds": round(time.monotonic() - started, 1)},
        "device": info,
        "driver": driver_version(),
        "cuda": torch.version.cuda or (getattr(torch.version, "hip", None) and f"hip {torch.version.hip}") or "unknown",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "gemm": gemm,
        "attention": attention,
        "memory": memory,
        "skipped": skipped,
    }
    log(f"done in {time.monotonic() - started:.1f} s: {len(gemm)} GEMMs, {len(attention)} attention lengths, "
        f"{len(memory)} memory kernels, {len(skipped)} skipped")
    json.dump(profile, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
