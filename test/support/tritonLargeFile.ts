// Generated Python files for the Triton front-end at size: ordinary host code (classes, dataclasses, decorators of
// other libraries, comprehensions, f-strings, try/with blocks, a decorator that happens to be called `jit`) in the
// shape of a real training script, with or without Triton kernels among it. Deterministic: the same text every call.

/** One section of ordinary Python (about 60 lines), numbered so every name is unique. */
function hostSection(i: number): string {
  return `
@dataclasses.dataclass
class Settings${i}:
    """Options of stage ${i}; read from the command line or a config file."""
    learning_rate: float = 3e-4
    warmup_steps: int = ${100 + i}
    betas: tuple = (0.9, 0.95)
    name: str = "stage-${i}"

    @property
    def scaled_rate(self) -> float:
        return self.learning_rate * min(1.0, ${i + 1} / max(1, self.warmup_steps))

    @staticmethod
    def from_dict(d: dict) -> "Settings${i}":
        return Settings${i}(**{k: v for k, v in d.items() if k in Settings${i}.__dataclass_fields__})


@functools.lru_cache(maxsize=None)
def schedule_${i}(step: int, total: int = 10_000) -> float:
    # Cosine decay after a linear warm-up.
    if step < ${i + 10}:
        return step / ${i + 10}
    progress = (step - ${i + 10}) / max(1, total - ${i + 10})
    return 0.5 * (1.0 + math.cos(math.pi * progress))


def jit(fn):
    # Not Triton's: a decorator of this script that only shares the name.
    return fn


@jit
def kernel_${i}(x, y):
    return [a * b for a, b in zip(x, y) if a is not None]


def load_batch_${i}(paths: list[str], batch_size: int = ${8 + (i % 8)}) -> list[dict]:
    out = []
    for start in range(0, len(paths), batch_size):
        chunk = paths[start:start + batch_size]
        try:
            with open(chunk[0], "rb") as f:
                header = f.read(16)
        except (OSError, IndexError) as e:
            logging.warning(f"batch {start // batch_size} of stage ${i}: {e!r:>20}")
            continue
        out.append({"header": header, "paths": chunk, "sizes": [len(p) for p in chunk]})
    return out


class Trainer${i}:
    def __init__(self, settings: Settings${i}, device: str = "cuda") -> None:
        self.settings = settings
        self.device = device
        self.history: dict[str, list[float]] = collections.defaultdict(list)

    def step(self, batch: dict, step: int) -> float:
        lr = schedule_${i}(step) * self.settings.scaled_rate
        loss = sum(batch["sizes"]) * lr
        self.history["loss"].append(loss)
        return loss
`;
}

const PRELUDE = `"""A long training script: data loading, schedules and trainers around the GPU kernels it launches."""
import collections
import dataclasses
import functools
import logging
import math

import torch
`;

const TRITON_IMPORTS = `
import triton
import triton.language as tl
`;

/** The one kernel of `largeTritonFile`: a fused row softmax, launched one program per row. */
const SOFTMAX_KERNEL = `

@triton.jit
def softmax_kernel(out_ptr, in_ptr, in_stride, out_stride, n_cols, BLOCK_SIZE: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK_SIZE)
    mask = cols < n_cols
    x = tl.load(in_ptr + row * in_stride + cols, mask=mask, other=-float("inf"))
    z = x - tl.max(x, axis=0)
    num = tl.exp(z)
    den = tl.sum(num, axis=0)
    tl.store(out_ptr + row * out_stride + cols, num / den, mask=mask)


def softmax(x: torch.Tensor) -> torch.Tensor:
    n_rows, n_cols = x.shape
    y = torch.empty_like(x)
    softmax_kernel[(n_rows,)](y, x, x.stride(0), y.stride(0), n_cols, BLOCK_SIZE=triton.next_power_of_2(n_cols), num_warps=8)
    return y


def run_softmax():
    x = torch.randn(4096, 1000, device="cuda", dtype=torch.float32)
    return softmax(x)
`;

/** Ordinary host code up to `lines` lines, with `middle` put halfway. */
function withHostCode(lines: number, head: string, middle: string): string {
  const parts = [head];
  let count = head.split("\n").length + middle.split("\n").length;
  const sections: string[] = [];
  for (let i = 0; count < lines; i++) {
    const s = hostSection(i);
    sections.push(s);
    count += s.split("\n").length - 1;
  }
  const half = Math.floor(sections.length / 2);
  parts.push(...sections.slice(0, half), middle, ...sections.slice(half));
  return parts.join("");
}

/** About `lines` lines of Python (5,000 by default) with one Triton kernel and its launch halfway down. */
export function largeTritonFile(lines = 5000): string {
  return withHostCode(lines, PRELUDE + TRITON_IMPORTS, SOFTMAX_KERNEL);
}

/** The same script without Triton: no `import triton`, no kernel; only the host code. */
export function largePlainPythonFile(lines = 5000): string {
  return withHostCode(lines, PRELUDE, "");
}
