// Triton's exact path in the bundled language server, driven over stdio: a Triton file's kernel gets its shared
// memory and registers from the compiler instead of the estimates. No Triton can be installed here, so two real
// paths are checked with what this machine has: Triton's cache (a folder in Triton's layout holding a real nvcc 13
// cubin, read without Python), and the compile helper run by the real python3 through a wrapper that puts a stand-in
// `triton` package (the API forms the helper calls, nothing more) on its path. An untrusted workspace compiles nothing.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Hover } from "vscode-languageserver-protocol";
import { startServer, type ServerHandle } from "../support/lspClient";
import { ADD_KERNEL_CU, type CompiledCubin, noNvcc, nvccCubin } from "../support/tritonCubins";

const python = ["python3", "python"].find((p) => spawnSync(p, ["--version"]).status === 0);
const skip = noNvcc || (python ? false : "no python3 here");

const TEXT = `import torch
import triton
import triton.language as tl


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.load(y_ptr + offsets, mask=mask)
    tl.store(out_ptr + offsets, x + y, mask=mask)


def add(x, y):
    output = torch.empty_like(x)
    n_elements = output.numel()
    grid = lambda meta: (triton.cdiv(n_elements, meta['BLOCK_SIZE']), )
    add_kernel[grid](x, y, output, n_elements, BLOCK_SIZE=1024)
    return output
`;

const hoverText = (h: Hover | null): string => (h && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "");
const namePosition = { line: 6, character: 6 };

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const STAND_IN: Record<string, string> = {
  "triton/__init__.py": `
import os, collections
__version__ = "3.3.0"
from .runtime.jit import jit, JITFunction
from . import language
def compile(src, target=None, options=None):
    with open(os.environ["KL_COMPILE_LOG"], "a") as log:
        log.write("%s %s %s\\n" % (src.fn.__name__, sorted(src.signature.items()), target.arch))
    Meta = collections.namedtuple("Meta", ["name", "shared", "num_warps", "num_stages"])
    k = type("CompiledKernel", (), {})()
    k.metadata = Meta(src.fn.__name__, 3 * src.constants["BLOCK_SIZE"], options["num_warps"], options["num_stages"])
    k.asm = {"cubin": open(os.environ["FAKE_CUBIN"], "rb").read()}
    return k
`,
  "triton/language/__init__.py": "class constexpr:\n    def __init__(self, value):\n        self.value = value\n",
  "triton/runtime/__init__.py": "",
  "triton/runtime/jit.py": "import inspect\nclass JITFunction:\n    def __init__(self, fn):\n        self.fn, self.__name__ = fn, fn.__name__\n        self.arg_names = list(inspect.signature(fn).parameters)\n        self.src = inspect.getsource(fn)\ndef jit(fn=None, **kw):\n    return JITFunction(fn) if fn is not None else JITFunction\n",
  "triton/compiler/__init__.py": "class ASTSource:\n    def __init__(self, fn, signature, constexprs=None, attrs=None):\n        assert set(signature) == set(fn.arg_names)\n        self.fn, self.signature, self.constants = fn, signature, dict(constexprs or {})\n",
  "triton/backends/__init__.py": "",
  "triton/backends/compiler.py": "class GPUTarget:\n    def __init__(self, backend, arch, warp_size):\n        self.backend, self.arch, self.warp_size = backend, arch, warp_size\n",
};

describe("Triton's exact path in the language server", { skip, timeout: 240_000 }, () => {
  let work = "";
  let cubin: CompiledCubin;
  let wrapper = "";
  let compileLog = "";
  const savedCacheDir = process.env.TRITON_CACHE_DIR;
  before(() => {
    work = mkdtempSync(join(tmpdir(), "kernellens-triton-exact-"));
    cubin = nvccCubin(work, "add", ADD_KERNEL_CU, "sm_90");
    const site = join(work, "site");
    for (const [path, text] of Object.entries(STAND_IN)) {
      mkdirSync(join(site, path, ".."), { recursive: true });
      writeFileSync(join(site, path), text);
    }
    compileLog = join(work, "compiles.log");
    wrapper = join(work, "python-with-triton");
    writeFileSync(wrapper, `#!/bin/sh\nPYTHONPATH='${site}' FAKE_CUBIN='${cubin.path}' KL_COMPILE_LOG='${compileLog}' exec '${python}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    // Triton's cache as a run of the kernel leaves it (the server inherits TRITON_CACHE_DIR from this process).
    const cache = join(work, "cache");
    mkdirSync(join(cache, "K1"), { recursive: true });
    writeFileSync(join(cache, "K1", "add_kernel.json"), JSON.stringify({ hash: "K1", target: { backend: "cuda", arch: 90, warp_size: 32 }, num_warps: 4, num_stages: 3, name: "add_kernel", shared: 0 }));
    copyFileSync(cubin.path, join(cache, "K1", "add_kernel.cubin"));
    process.env.TRITON_CACHE_DIR = cache;
  });
  after(() => {
    if (savedCacheDir === undefined) delete process.env.TRITON_CACHE_DIR;
    else process.env.TRITON_CACHE_DIR = savedCacheDir;
    rmSync(work, { recursive: true, force: true });
  });

  it("compiles with the configured Python's Triton in a trusted workspace: the hover's resources become exact", async () => {
    const server: ServerHandle = await startServer({ device: "nvidia-h100-sxm", workspaceTrusted: true, triton: { pythonPath: wrapper } });
    try {
      const uri = `file://${join(work, "vadd.py")}`;
      const first = server.diagnostics(uri);
      server.open(uri, TEXT, 1, "python");
      await first;
      const hover = await waitFor("the hover to show the compiler's numbers", async () => {
        const h = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri }, position: namePosition })) as Hover);
        return /triton\.compile/.test(h) ? h : undefined;
      });
      const registers = cubin.ptxas.get("add_kernel")!.registers!;
      // The configuration's item: shared memory from the metadata (3 x BLOCK_SIZE in the stand-in), registers from the cubin.
      assert.match(hover, new RegExp(`shared memory 3\\.1 kB \\(exact\\), registers ${registers} \\(exact\\)`), hover);
      assert.match(hover, new RegExp(`${registers} registers per thread, exact`), hover);
      assert.doesNotMatch(hover, /registers \d+ \(estimated\)/, hover);
      // What the helper was asked for: this kernel, its pointers (element type from the launch, or assumed), sm_90.
      const log = readFileSync(compileLog, "utf8").trim().split("\n");
      assert.equal(log.length, 1, log.join("\n"));
      assert.match(log[0]!, /^add_kernel .*'BLOCK_SIZE', 'constexpr'.* 90$/);
    } finally {
      await server.stop();
    }
  });

  it("reads Triton's cache without Python, and in an untrusted workspace runs nothing", async () => {
    const before = existsSync(compileLog) ? readFileSync(compileLog, "utf8") : "";
    const server: ServerHandle = await startServer({ device: "nvidia-h100-sxm", workspaceTrusted: false, triton: { pythonPath: wrapper } });
    try {
      const uri = `file://${join(work, "vadd2.py")}`;
      const first = server.diagnostics(uri);
      server.open(uri, TEXT, 1, "python");
      await first;
      const hover = await waitFor("the hover to show the cache's numbers", async () => {
        const h = hoverText((await server.connection.sendRequest("textDocument/hover", { textDocument: { uri }, position: namePosition })) as Hover);
        return /Triton's cache/.test(h) ? h : undefined;
      });
      assert.match(hover, new RegExp(`\\b${cubin.ptxas.get("add_kernel")!.registers} registers`), hover);
      assert.equal(existsSync(compileLog) ? readFileSync(compileLog, "utf8") : "", before, "no compile in an untrusted workspace");
      assert.ok(server.logs().some((l) => /not trusted/.test(l)), server.logs().join("\n"));
    } finally {
      await server.stop();
    }
  });
});
