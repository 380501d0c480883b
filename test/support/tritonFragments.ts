// What the language-server fuzzer (lspFuzzer.ts) inserts into Triton documents: kernels, launches, autotune
// configurations, directives with absurd values, deep nesting, broken indentation and half-typed Python.

/** Fragments of Python with Triton, each a function of the fuzzer's seeded generator. */
export function tritonFragments(rand: () => number): (() => string)[] {
  const deep = (n: number, open: string, close: string, inner = "1"): string => open.repeat(n) + inner + close.repeat(n);
  const num = (): string => ["0", "1", "-1", "1e300", "2**40", "1 << 62", "4294967296", "3", "0.5", "BLOCK", "n"][Math.floor(rand() * 11)];
  const pow2 = (): string => ["1", "16", "128", "1024", "65536", "1 << 20", "0", "-64", "3"][Math.floor(rand() * 9)];
  const id = (): number => Math.floor(rand() * 1e6);
  return [
    () => `# @config BLOCK=${pow2()} num_warps=${num()} num_stages=${num()}\n`,
    () => `# @grid ${num()}, ${num()}\n`,
    () => `# @arg n = ${num()}\n`,
    () => `# @arg x_ptr: *${["fp16", "fp32", "bf16", "fp8e4nv", "i8", "nope"][Math.floor(rand() * 6)]}\n`,
    () => "import triton\nimport triton.language as tl\n",
    () => "from triton import language as tl\n",
    () => `@triton.jit\ndef k${id()}(x_ptr, y_ptr, n, BLOCK: tl.constexpr):\n    pid = tl.program_id(0)\n    offs = pid * BLOCK + tl.arange(0, BLOCK)\n    m = offs < n\n    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=m) * 2, mask=m)\n\n`,
    () => `@triton.autotune(configs=[triton.Config({'BLOCK': ${pow2()}}, num_warps=${num()}), triton.Config({'BLOCK': ${pow2()}}, num_stages=${num()})], key=['n'])\n`,
    () => `@triton.heuristics({'BLOCK': lambda args: ${num()}})\n`,
    () => `    kernel[(triton.cdiv(${num()}, ${pow2()}),)](x, y, ${num()}, BLOCK=${pow2()}, num_warps=${num()})\n`,
    () => `    grid = lambda meta: (triton.cdiv(n, meta['BLOCK']), ${num()})\n`,
    () => `    acc = tl.zeros((${pow2()}, ${pow2()}), dtype=tl.float32)\n`,
    () => `    for k in range(0, ${num()}, ${pow2()}):\n        acc += tl.dot(a, b)\n`,
    () => "    x = tl.load(x_ptr + offs[:, None] * stride + offs[None, :], mask=m[:, None])\n",
    () => "    s = tl.sum(tl.exp(x - tl.max(x, axis=1)[:, None]), axis=1)\n",
    () => "    p = tl.make_block_ptr(base=a_ptr, shape=(M, K), strides=(sm, sk), offsets=(0, 0), block_shape=(64, 64), order=(1, 0))\n",
    () => "    tl.atomic_add(out_ptr + pid, tl.sum(x, axis=0))\n",
    () => `x = torch.empty((${num()}, ${num()}), device='cuda', dtype=torch.float16)\n`,
    () => `n = ${deep(200 + Math.floor(rand() * 800), "(", ")")}\n`,
    () => `    y = ${deep(100 + Math.floor(rand() * 400), "[", "]")}\n`,
    () => `def nested():\n${Array.from({ length: 60 + Math.floor(rand() * 200) }, (_, i) => `${" ".repeat(i + 1)}if x:\n`).join("")}${" ".repeat(300)}pass\n`,
    () => "    ",
    () => "\t",
    () => "@triton.jit\n",
    () => "def ",
    () => ":\n",
    () => "(",
    () => ")",
    () => '"""',
    () => "tl.",
    () => "\u0000\u00e9\ud83d\ude00",
    () => String.fromCharCode(...Array.from({ length: 1 + Math.floor(rand() * 16) }, () => 32 + Math.floor(rand() * 95))),
  ];
}
