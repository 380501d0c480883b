// Generated Python files for the Triton front-end at size: ordinary host code (classes, dataclasses, decorators of
// other libraries, comprehensions, f-strings, try/with blocks, a decorator that happens to be called `jit`) in the
// shape of a real training script, with or without Triton kernels among it. Deterministic: the same text every call.

/**
 * One section of ordinary Python (about 60 lines), numbered so every name is unique; `ownJit`: with the script's own
 * `jit` decorator and a function it decorates.
 */
function hostSection(i: number, ownJit = true): string {
  const jit = `

def jit(fn):
    # Not Triton's: a decorator of this script that only shares the name.
    return fn


@jit
def kernel_${i}(x, y):
    return [a * b for a, b in zip(x, y) if a is not None]
`;
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
${ownJit ? jit : ""}

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

/** The kernels of `keystrokeTritonFile`, each with its host wrapper: what a model-serving module keeps together. */
const KERNELS = [
  `

@triton.autotune(
    configs=[
        triton.Config({'BLOCK_M': 128, 'BLOCK_N': 256, 'BLOCK_K': 64, 'GROUP_M': 8}, num_stages=3, num_warps=8),
        triton.Config({'BLOCK_M': 128, 'BLOCK_N': 128, 'BLOCK_K': 32, 'GROUP_M': 8}, num_stages=4, num_warps=4),
        triton.Config({'BLOCK_M': 64, 'BLOCK_N': 128, 'BLOCK_K': 32, 'GROUP_M': 8}, num_stages=4, num_warps=4),
        triton.Config({'BLOCK_M': 64, 'BLOCK_N': 64, 'BLOCK_K': 64, 'GROUP_M': 8}, num_stages=5, num_warps=2),
    ],
    key=['M', 'N', 'K'],
)
@triton.jit
def matmul_kernel(a_ptr, b_ptr, c_ptr, M, N, K, stride_am, stride_ak, stride_bk, stride_bn, stride_cm, stride_cn,
                  BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr, GROUP_M: tl.constexpr):
    pid = tl.program_id(axis=0)
    grid_m = tl.cdiv(M, BLOCK_M)
    grid_n = tl.cdiv(N, BLOCK_N)
    width = GROUP_M * grid_n
    group = pid // width
    size_m = min(grid_m - group * GROUP_M, GROUP_M)
    pid_m = group * GROUP_M + (pid % size_m)
    pid_n = (pid % width) // size_m
    rm = (pid_m * BLOCK_M + tl.arange(0, BLOCK_M)) % M
    rn = (pid_n * BLOCK_N + tl.arange(0, BLOCK_N)) % N
    rk = tl.arange(0, BLOCK_K)
    a_ptrs = a_ptr + rm[:, None] * stride_am + rk[None, :] * stride_ak
    b_ptrs = b_ptr + rk[:, None] * stride_bk + rn[None, :] * stride_bn
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k in range(0, tl.cdiv(K, BLOCK_K)):
        a = tl.load(a_ptrs, mask=rk[None, :] < K - k * BLOCK_K, other=0.0)
        b = tl.load(b_ptrs, mask=rk[:, None] < K - k * BLOCK_K, other=0.0)
        acc = tl.dot(a, b, acc)
        a_ptrs += BLOCK_K * stride_ak
        b_ptrs += BLOCK_K * stride_bk
    cm = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    cn = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    tl.store(c_ptr + cm[:, None] * stride_cm + cn[None, :] * stride_cn, acc.to(tl.float16), mask=(cm[:, None] < M) & (cn[None, :] < N))


def matmul(a, b):
    M, K = a.shape
    K, N = b.shape
    c = torch.empty((M, N), device=a.device, dtype=torch.float16)
    grid = lambda META: (triton.cdiv(M, META['BLOCK_M']) * triton.cdiv(N, META['BLOCK_N']), )
    matmul_kernel[grid](a, b, c, M, N, K, a.stride(0), a.stride(1), b.stride(0), b.stride(1), c.stride(0), c.stride(1))
    return c
`,
  `

@triton.autotune(
    configs=[
        triton.Config({'BLOCK_SIZE': 1024}, num_warps=4),
        triton.Config({'BLOCK_SIZE': 2048}, num_warps=8),
        triton.Config({'BLOCK_SIZE': 4096}, num_warps=8),
    ],
    key=['n_elements'],
)
@triton.jit
def swiglu_kernel(gate_ptr, up_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offs = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offs < n_elements
    g = tl.load(gate_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    u = tl.load(up_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    y = g * tl.sigmoid(g) * u
    tl.store(out_ptr + offs, y.to(tl.float16), mask=mask)


def swiglu(gate, up):
    out = torch.empty_like(gate)
    n_elements = out.numel()
    grid = lambda meta: (triton.cdiv(n_elements, meta['BLOCK_SIZE']), )
    swiglu_kernel[grid](gate, up, out, n_elements)
    return out
`,
  `

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


def softmax(x):
    n_rows, n_cols = x.shape
    BLOCK_SIZE = triton.next_power_of_2(n_cols)
    y = torch.empty_like(x)
    softmax_kernel[(n_rows,)](y, x, x.stride(0), y.stride(0), n_cols, BLOCK_SIZE=BLOCK_SIZE, num_warps=8)
    return y
`,
  `

@triton.jit
def layernorm_kernel(x_ptr, y_ptr, w_ptr, b_ptr, stride, n_cols, eps, BLOCK_SIZE: tl.constexpr):
    row = tl.program_id(0)
    x_ptr += row * stride
    y_ptr += row * stride
    acc = tl.zeros([BLOCK_SIZE], dtype=tl.float32)
    for off in range(0, n_cols, BLOCK_SIZE):
        cols = off + tl.arange(0, BLOCK_SIZE)
        acc += tl.load(x_ptr + cols, mask=cols < n_cols, other=0.0).to(tl.float32)
    mean = tl.sum(acc, axis=0) / n_cols
    var_acc = tl.zeros([BLOCK_SIZE], dtype=tl.float32)
    for off in range(0, n_cols, BLOCK_SIZE):
        cols = off + tl.arange(0, BLOCK_SIZE)
        v = tl.load(x_ptr + cols, mask=cols < n_cols, other=0.0).to(tl.float32)
        d = tl.where(cols < n_cols, v - mean, 0.0)
        var_acc += d * d
    rstd = 1 / tl.sqrt(tl.sum(var_acc, axis=0) / n_cols + eps)
    for off in range(0, n_cols, BLOCK_SIZE):
        cols = off + tl.arange(0, BLOCK_SIZE)
        m = cols < n_cols
        w = tl.load(w_ptr + cols, mask=m)
        b = tl.load(b_ptr + cols, mask=m)
        v = tl.load(x_ptr + cols, mask=m, other=0.0).to(tl.float32)
        tl.store(y_ptr + cols, (v - mean) * rstd * w + b, mask=m)


def layernorm(x, w, b, eps=1e-5):
    y = torch.empty_like(x)
    rows, cols = x.shape
    layernorm_kernel[(rows,)](x, y, w, b, x.stride(0), cols, eps, BLOCK_SIZE=1024, num_warps=4)
    return y
`,
  `

@triton.jit
def row_sum_kernel(x_ptr, out_ptr, n_rows, n_cols, BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    pid = tl.program_id(0)
    rows = pid * BLOCK_R + tl.arange(0, BLOCK_R)
    total = tl.zeros([BLOCK_R], dtype=tl.float32)
    for c in range(0, n_cols, BLOCK_C):
        cols = c + tl.arange(0, BLOCK_C)
        x = tl.load(x_ptr + rows[:, None] * n_cols + cols[None, :], mask=(rows[:, None] < n_rows) & (cols[None, :] < n_cols), other=0.0)
        total += tl.sum(x, axis=1)
    tl.atomic_add(out_ptr + rows, total, mask=rows < n_rows)


def row_sum(x):
    out = torch.zeros(x.shape[0], device=x.device, dtype=torch.float32)
    row_sum_kernel[(triton.cdiv(x.shape[0], 16),)](x, out, x.shape[0], x.shape[1], BLOCK_R=16, BLOCK_C=256)
    return out
`,
];

const MAIN = `

if __name__ == "__main__":
    torch.manual_seed(0)
    a = torch.randn((4096, 4096), device="cuda", dtype=torch.float16)
    b = torch.randn((4096, 4096), device="cuda", dtype=torch.float16)
    c = matmul(a, b)
    gate = torch.randn(8 * 1024 * 1024, device="cuda", dtype=torch.float16)
    up = torch.randn(8 * 1024 * 1024, device="cuda", dtype=torch.float16)
    h = swiglu(gate, up)
    x = torch.randn(4096, 1000, device="cuda", dtype=torch.float32)
    p = softmax(x)
    w = torch.ones(4096, device="cuda", dtype=torch.float32)
    bias = torch.zeros(4096, device="cuda", dtype=torch.float32)
    ln = layernorm(torch.randn(2048, 4096, device="cuda", dtype=torch.float32), w, bias)
    s = row_sum(torch.randn(8192, 2048, device="cuda", dtype=torch.float32))
`;

/**
 * About `lines` lines (2,000 by default) of a Python module with several Triton kernels spread through its host code
 * (an autotuned matmul with four configurations, an autotuned SwiGLU with three, a row softmax, a layer norm, a row
 * sum with atomics), each with its wrapper, and a main block that launches them on tensors of known shapes.
 */
export function keystrokeTritonFile(lines = 2000): string {
  const head = PRELUDE + TRITON_IMPORTS;
  let count = head.split("\n").length + MAIN.split("\n").length + KERNELS.reduce((n, k) => n + k.split("\n").length, 0);
  const sections: string[] = [];
  for (let i = 0; count < lines; i++) {
    const s = hostSection(i, false);
    sections.push(s);
    count += s.split("\n").length - 1;
  }
  // A kernel after every few sections: the softmax, typed into by the benchmark, lands in the middle.
  const parts = [head];
  const every = Math.max(1, Math.floor(sections.length / (KERNELS.length + 1)));
  let k = 0;
  sections.forEach((s, i) => {
    parts.push(s);
    if ((i + 1) % every === 0 && k < KERNELS.length) parts.push(KERNELS[k++]!);
  });
  while (k < KERNELS.length) parts.push(KERNELS[k++]!);
  parts.push(MAIN);
  return parts.join("");
}
