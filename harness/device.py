"""Which device the pages run on, and proof of what ran on the GPU.

``docs-test`` hides every GPU, so the pages' ``"cuda" if torch.cuda.is_available()
else "cpu"`` idiom picks the CPU; ``docs-test-cuda`` (DOCS_DEVICE=cuda) leaves the GPU
visible and refuses to run without one.
"""

from __future__ import annotations

import os
import sys

MODE = os.environ.get("DOCS_DEVICE", "cpu").lower()
if MODE not in {"cpu", "cuda"}:
    raise SystemExit(f"DOCS_DEVICE must be 'cpu' or 'cuda', not {MODE!r}")

NO_GPU_MESSAGE = (
    "docs-test-cuda: no CUDA GPU is visible (torch.cuda.is_available() is False). "
    "This session only counts when the examples really run on a GPU; "
    "run `nox -s docs-test` for the CPU."
)

if MODE == "cpu":
    # Must happen before torch initialises CUDA; an empty list hides every GPU.
    os.environ["CUDA_VISIBLE_DEVICES"] = ""


def gpu_missing_reason() -> str | None:
    import torch

    if not torch.cuda.is_available():
        return NO_GPU_MESSAGE
    return None


def cuda_allocations() -> int:
    """Cumulative count of CUDA allocations so far (0 before CUDA is in use)."""
    torch = sys.modules.get("torch")
    if MODE != "cuda" or torch is None or not torch.cuda.is_initialized():
        return 0
    return int(torch.cuda.memory_stats().get("allocation.all.allocated", 0))


def describe() -> dict[str, str]:
    import torch

    info = {"mode": MODE, "torch": torch.__version__}
    if MODE == "cuda" and torch.cuda.is_available():
        info["device"] = torch.cuda.get_device_name(0)
        info["cuda"] = str(torch.version.cuda)
    else:
        import platform

        info["device"] = f"CPU ({platform.machine()}, {os.cpu_count()} cores)"
    return info
