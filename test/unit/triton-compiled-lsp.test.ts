// The language server's background Triton compiles (server/src/lsp/tritonCompiles.ts), with the document host
// written here: Triton's cache (a folder in Triton's layout, a real nvcc cubin) read without Python; the user's Python
// compiling (the real python3 running the real helper, with the stand-in `triton` package of
// triton-compiled-runner.test.ts's kind); results only for the text compiled; an edit cancels the running compile.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { TritonKernelSummary } from "../../server/src/core/triton/types";
import { type TritonAnalysed, TritonCompiles } from "../../server/src/lsp/tritonCompiles";
import { defaultSettings, type ServerSettings } from "../../server/src/lsp/settings";
import { findRepoRoot } from "../support/repoRoot";
import { ADD_KERNEL_CU, noNvcc, nvccCubin } from "../support/tritonCubins";

const root = findRepoRoot();
const helper = join(root, "server", "python", "triton_compile.py");
const work = mkdtempSync(join(tmpdir(), "kernellens-triton-lsp-"));
after(() => rmSync(work, { recursive: true, force: true }));
const python = ["python3", "python"].find((p) => spawnSync(p, ["--version"]).status === 0);

const TEXT = `import triton
import triton.language as tl

@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    tl.store(out_ptr + offs, tl.load(x_ptr + offs) + tl.load(y_ptr + offs), mask=offs < n)
`;

function summary(block: number, numWarps: number): TritonKernelSummary {
  const config = { constexprs: [{ name: "BLOCK", value: block }], numWarps, numStages: 3, source: "launch" as const };
  return {
    name: `add_kernel[BLOCK=${block}]`,
    function: "add_kernel",
    nameSpan: { start: 0, end: 0 },
    span: { start: 0, end: TEXT.length },
    config,
    configText: `BLOCK=${block} w${numWarps} s3`,
    launch: { grid: null, source: "none" },
    resources: { sharedBytes: 0, registersPerThread: 32, source: "estimated", detail: "" },
  };
}

interface Harness {
  readonly compiles: TritonCompiles;
  readonly doc: () => TextDocument;
  readonly edit: (text: string) => void;
  readonly reanalysed: string[];
  readonly logs: string[];
}

function harness(settings: Partial<ServerSettings>, options: ConstructorParameters<typeof TritonCompiles>[1], kernels: readonly TritonKernelSummary[]): Harness {
  let doc = TextDocument.create("file:///w/add.py", "python", 1, TEXT);
  const reanalysed: string[] = [];
  const logs: string[] = [];
  const s: ServerSettings = { ...defaultSettings, device: "nvidia-h100-sxm", ...settings };
  const compiles = new TritonCompiles(
    {
      document: (uri) => (uri === doc.uri ? doc : undefined),
      settingsFor: () => Promise.resolve(s),
      analysisOf: (): Promise<TritonAnalysed> => Promise.resolve({ version: doc.version, kernels, irs: new Map(), computeCapability: "9.0" }),
      reanalyze: (uri) => {
        reanalysed.push(uri);
        return Promise.resolve();
      },
      log: (m) => logs.push(m),
      updated: () => undefined,
    },
    { debounceMs: 0, helperPath: helper, ...options },
  );
  return {
    compiles,
    doc: () => doc,
    edit: (text) => {
      doc = TextDocument.create(doc.uri, "python", doc.version + 1, text);
    },
    reanalysed,
    logs,
  };
}

const settingsOf = (over: Partial<ServerSettings>): ServerSettings => ({ ...defaultSettings, device: "nvidia-h100-sxm", ...over });

describe("background Triton compiles in the language server", { skip: noNvcc || (python ? false : "no python3") }, () => {
  it("reads Triton's cache without Python: exact numbers for the configuration it holds, for this text only", async () => {
    const cubin = nvccCubin(work, "lsp_add", ADD_KERNEL_CU, "sm_90");
    const cache = join(work, "cache");
    mkdirSync(join(cache, "H1"), { recursive: true });
    writeFileSync(join(cache, "H1", "add_kernel.json"), JSON.stringify({ hash: "H1", target: { backend: "cuda", arch: 90, warp_size: 32 }, num_warps: 8, num_stages: 3, name: "add_kernel", shared: 2048 }));
    copyFileSync(cubin.path, join(cache, "H1", "add_kernel.cubin"));
    const h = harness({ workspaceTrusted: false }, { cacheDir: () => cache }, [summary(1024, 8)]);
    await h.compiles.changed(h.doc().uri);
    await h.compiles.idle();
    const got = h.compiles.compiledFor(h.doc().uri, TEXT, settingsOf({ workspaceTrusted: false }));
    assert.equal(got?.length, 1, h.logs.join("\n"));
    assert.equal(got![0]!.sharedBytes, 2048);
    assert.equal(got![0]!.registersPerThread, cubin.ptxas.get("add_kernel")!.registers);
    assert.match(got![0]!.source, /Triton's cache/);
    assert.deepEqual(h.reanalysed, [h.doc().uri]);
    assert.equal(h.compiles.compiledFor(h.doc().uri, `${TEXT}\n# edited`, settingsOf({ workspaceTrusted: false })), undefined);
    assert.ok(h.logs.some((l) => /no Python is configured/.test(l)));
  });

  it("compiles with the configured Python's Triton in a trusted workspace", async () => {
    const cubin = nvccCubin(work, "lsp_compile", ADD_KERNEL_CU, "sm_90");
    const fake = writeStandInTriton(join(work, "site"));
    const env = { ...process.env, PYTHONPATH: fake, FAKE_CUBIN: cubin.path };
    const h = harness({ workspaceTrusted: true, tritonPythonPath: python! }, { env, cacheDir: () => join(work, "empty-cache") }, [summary(1024, 4), summary(256, 4)]);
    await h.compiles.changed(h.doc().uri);
    await h.compiles.idle();
    const got = h.compiles.compiledFor(h.doc().uri, TEXT, settingsOf({ workspaceTrusted: true, tritonPythonPath: python! }));
    assert.equal(got?.length, 2, h.logs.join("\n"));
    assert.deepEqual(got!.map((k) => k.sharedBytes).sort((a, b) => a - b), [256 * 4, 1024 * 4]);
    for (const k of got!) {
      assert.equal(k.registersPerThread, cubin.ptxas.get("add_kernel")!.registers);
      assert.match(k.source, /triton\.compile \(Triton 3\.3\.0\) for sm_90/);
      assert.match(k.source, /types assumed: x_ptr: \*fp32/);
    }
    // The same text again: remembered, not compiled again.
    const before = h.logs.filter((l) => /compiled by Triton/.test(l)).length;
    await h.compiles.changed(h.doc().uri);
    await h.compiles.idle();
    assert.equal(h.logs.filter((l) => /compiled by Triton/.test(l)).length, before);
  });

  it("with a Python that has no Triton, says so once and falls back to the cache", async () => {
    const h = harness({ workspaceTrusted: true, tritonPythonPath: python! }, { cacheDir: () => join(work, "empty-cache"), env: { ...process.env, PYTHONPATH: join(work, "nothing-here") } }, [summary(1024, 4)]);
    await h.compiles.changed(h.doc().uri);
    await h.compiles.idle();
    await h.compiles.changed(h.doc().uri);
    await h.compiles.idle();
    const said = h.logs.filter((l) => /exact path is off/.test(l));
    assert.equal(said.length, 1, h.logs.join("\n"));
    assert.match(said[0]!, /triton is not installed/);
    assert.deepEqual(h.reanalysed, []);
  });

  it("an edit cancels the running compile and kills its interpreter", async () => {
    const pidFile = join(work, "lsp-slow.pid");
    const slow = join(work, "python-slow");
    // Answers the probe at once; a compile sleeps in a child until killed.
    writeFileSync(slow, `#!/bin/sh\nif [ "$1" = "-c" ]; then echo 3.3.0; exit 0; fi\nsleep 30 & echo $! > ${pidFile}\nwait\n`);
    chmodSync(slow, 0o755);
    const h = harness({ workspaceTrusted: true, tritonPythonPath: slow }, { cacheDir: () => join(work, "empty-cache") }, [summary(1024, 4)]);
    await h.compiles.changed(h.doc().uri);
    const until = Date.now() + 10_000;
    while (!existsSync(pidFile) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const pid = Number(readFileSync(pidFile, "utf8"));
    h.edit(`${TEXT}\n# typing`);
    await h.compiles.changed(h.doc().uri);
    h.compiles.dispose();
    await h.compiles.idle();
    const gone = Date.now() + 3000;
    for (;;) {
      try {
        process.kill(pid, 0);
      } catch {
        break;
      }
      if (Date.now() > gone) assert.fail(`the compile's process ${pid} is still running`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(h.compiles.compiledFor(h.doc().uri, TEXT, settingsOf({ workspaceTrusted: true, tritonPythonPath: slow })), undefined);
  });
});

/** The stand-in `triton` package (Triton 3.3's ASTSource form), enough for the helper's whole path. */
function writeStandInTriton(dir: string): string {
  const files: Record<string, string> = {
    "triton/__init__.py": `
import os, collections
__version__ = "3.3.0"
from .runtime.jit import jit, JITFunction
from . import language
def compile(src, target=None, options=None):
    Meta = collections.namedtuple("Meta", ["name", "shared", "num_warps", "num_stages"])
    k = type("CompiledKernel", (), {})()
    k.metadata = Meta(src.fn.__name__, 4 * src.constants["BLOCK"], options["num_warps"], options["num_stages"])
    k.asm = {"cubin": open(os.environ["FAKE_CUBIN"], "rb").read()}
    return k
`,
    "triton/language/__init__.py": "class constexpr:\n    def __init__(self, value):\n        self.value = value\n",
    "triton/runtime/__init__.py": "",
    "triton/runtime/jit.py": `
import inspect
class JITFunction:
    def __init__(self, fn):
        self.fn, self.__name__ = fn, fn.__name__
        self.arg_names = list(inspect.signature(fn).parameters)
        self.src = inspect.getsource(fn)
def jit(fn=None, **kwargs):
    return JITFunction(fn) if fn is not None else JITFunction
`,
    "triton/compiler/__init__.py": `
class ASTSource:
    def __init__(self, fn, signature, constexprs=None, attrs=None):
        assert set(signature) == set(fn.arg_names)
        self.fn, self.signature, self.constants = fn, signature, dict(constexprs or {})
`,
    "triton/backends/__init__.py": "",
    "triton/backends/compiler.py": "class GPUTarget:\n    def __init__(self, backend, arch, warp_size):\n        self.backend, self.arch, self.warp_size = backend, arch, warp_size\n",
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
