// Running Triton's compiler with the user's Python (server/src/triton/tritonCompiler.ts and
// server/python/triton_compile.py). Real first: this machine's python3 runs the real helper, which must answer, as
// JSON, that triton is not installed (it cannot be installed here: no PyPI), and the real probe must say the same.
// Then what needs Triton: a stand-in `triton` package (only what the helper calls, written below, imitating Triton's
// API forms) lets the real helper run its whole path under the real python3; and fake interpreters (shell scripts)
// check the deadline, cancellation (the whole process group is killed), trust and the probe's memory.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { compiledFromReply } from "../../server/src/core/triton/compiledMetadata";
import { type TritonCompileRequest } from "../../server/src/core/triton/compileJobs";
import { CancelSource } from "../../server/src/lsp/compileScheduler";
import { compileTritonKernel, probeTriton, TritonProbes, tritonPythonOf } from "../../server/src/triton/tritonCompiler";
import { findRepoRoot } from "../support/repoRoot";
import { noNvcc, nvccCubin, TRITON_LIKE_CU } from "../support/tritonCubins";

const root = findRepoRoot();
const helper = join(root, "server", "python", "triton_compile.py");
const work = mkdtempSync(join(tmpdir(), "kernellens-triton-run-"));
after(() => rmSync(work, { recursive: true, force: true }));

const python = ["python3", "python"].find((p) => spawnSync(p, ["--version"]).status === 0);
const noPython = python ? false : "no python3 on this machine";
const hasTriton = python ? spawnSync(python, ["-c", "import triton"]).status === 0 : false;

const request: TritonCompileRequest = {
  kernel: "add_kernel",
  sources: [
    "@triton.autotune(configs=get_configs(), key=['n'])\n@triton.jit\ndef add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):\n    pid = tl.program_id(0)\n    offs = pid * BLOCK + tl.arange(0, BLOCK)\n    tl.store(out_ptr + offs, helper(tl.load(x_ptr + offs), tl.load(y_ptr + offs)), mask=offs < n)\n",
    "    @triton.jit\n    def helper(a, b):\n        return a + b * SCALE\n",
  ],
  imports: ["import triton", "import triton.language as tl", "import os", "from mypkg import thing"],
  globals: { SCALE: 2 },
  signature: { x_ptr: "*fp16", y_ptr: "*fp16", out_ptr: "*fp16", n: "i32" },
  constexprs: { BLOCK: 1024 },
  numWarps: 8,
  numStages: 2,
  target: { backend: "cuda", arch: 90, warpSize: 32 },
};

function script(name: string, body: string): string {
  const path = join(work, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe("the real python3 without Triton", { skip: noPython || (hasTriton ? "this python3 has triton: the missing-triton answer cannot be checked" : false) }, () => {
  it("runs the helper, which answers that triton is not installed, as JSON", async () => {
    const r = await compileTritonKernel(python!, request, { trusted: true, helperPath: helper, deadlineMs: 30_000 });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.kind, "no-triton");
    assert.match(r.message, /triton is not installed/);
  });

  it("answers a malformed request with a JSON error, not a traceback", () => {
    for (const input of ["not json", "[]", JSON.stringify({ ...request, kernel: "not a name" }), JSON.stringify({ ...request, sources: [] })]) {
      const run = spawnSync(python!, [helper], { input, encoding: "utf8" });
      assert.equal(run.status, 0);
      const reply = JSON.parse(run.stdout) as { ok: boolean; kind: string };
      assert.equal(reply.ok, false);
      assert.equal(reply.kind, "bad-request", run.stdout);
      assert.doesNotMatch(run.stdout, /Traceback/);
    }
  });

  it("probes the interpreter once and remembers that it has no Triton", async () => {
    const probe = await probeTriton(python!);
    assert.ok(!probe.ok && probe.kind === "no-triton", JSON.stringify(probe));
    assert.match((probe as { message: string }).message, /triton is not installed/);
  });
});

// A stand-in for Triton, with exactly the names the helper uses and the checks the real API makes: JITFunction reads
// its function's source back with inspect (as triton.runtime.jit does), ASTSource takes the form of `API` (3.1 here:
// `constants=` keyed by name, non-constexpr parameters in the signature; 3.3: `constexprs=`), `compile` prints to
// stdout (as LLVM can) and returns metadata plus the cubin at $FAKE_CUBIN.
const FAKE_TRITON: Record<string, string> = {
  "triton/__init__.py": `
import os, sys, collections
__version__ = os.environ.get("FAKE_TRITON_VERSION", "3.1.0")
from .runtime.jit import jit, JITFunction
from . import language
def compile(src, target=None, options=None):
    print("noise on stdout from the compiler")
    os.write(1, b"noise on fd 1\\n")
    fn = src.fn
    if target.arch != 90 or target.backend != "cuda" or target.warp_size != 32:
        raise ValueError("unexpected target")
    for name, value in src.constants.items():
        if not isinstance(value, int):
            raise TypeError("constexpr %s is not an int" % name)
    Meta = collections.namedtuple("Meta", ["name", "shared", "num_warps", "num_stages"])
    k = type("CompiledKernel", (), {})()
    k.metadata = Meta(fn.__name__, 4096 * options["num_stages"], options["num_warps"], options["num_stages"])
    k.asm = {"cubin": open(os.environ["FAKE_CUBIN"], "rb").read(), "source": fn.src}
    k.hash = "fakehash"
    return k
`,
  "triton/language/__init__.py": `
class constexpr:
    def __init__(self, value):
        self.value = value
`,
  "triton/runtime/__init__.py": "",
  "triton/runtime/jit.py": `
import inspect, textwrap
class JITFunction:
    def __init__(self, fn):
        self.fn = fn
        self.__name__ = fn.__name__
        self.arg_names = list(inspect.signature(fn).parameters)
        self.src = textwrap.dedent(inspect.getsource(fn))
def jit(fn=None, **kwargs):
    if fn is None:
        return lambda f: JITFunction(f)
    return JITFunction(fn)
`,
  "triton/compiler/__init__.py": `
import os
API = os.environ.get("FAKE_TRITON_API", "3.1")
if API == "3.3":
    class ASTSource:
        def __init__(self, fn, signature, constexprs=None, attrs=None):
            if set(signature) != set(fn.arg_names):
                raise TypeError("signature must name every parameter")
            self.fn, self.signature, self.constants = fn, signature, dict(constexprs or {})
else:
    class ASTSource:
        def __init__(self, fn, signature, constants=None, attrs=None):
            for k in signature:
                if not isinstance(k, str):
                    raise TypeError("Signature keys must be string")
            if any(v == "constexpr" for v in signature.values()):
                raise KeyError("constexpr")
            self.fn, self.signature, self.constants = fn, signature, dict(constants or {})
`,
  "triton/backends/__init__.py": "",
  "triton/backends/compiler.py": `
class GPUTarget:
    def __init__(self, backend, arch, warp_size):
        self.backend, self.arch, self.warp_size = backend, arch, warp_size
`,
};

describe("the helper's whole path under the real python3, with a stand-in Triton", { skip: noPython || noNvcc }, () => {
  const fake = join(work, "fake-site");
  for (const [path, text] of Object.entries(FAKE_TRITON)) {
    mkdirSync(join(fake, path, ".."), { recursive: true });
    writeFileSync(join(fake, path), text);
  }

  for (const api of ["3.1", "3.3"]) {
    it(`compiles with the ASTSource form of Triton ${api}, keeps stdout clean, and the cubin's registers come through`, async () => {
      const cubin = nvccCubin(work, `fake_${api.replace(".", "_")}`, TRITON_LIKE_CU, "sm_90");
      const env = { ...process.env, PYTHONPATH: fake, FAKE_CUBIN: cubin.path, FAKE_TRITON_API: api, FAKE_TRITON_VERSION: `${api}.0` };
      const r = await compileTritonKernel(python!, request, { trusted: true, helperPath: helper, deadlineMs: 30_000, env });
      if (!r.ok) assert.fail(`${r.kind}: ${r.message}`);
      assert.equal(r.convention, api === "3.3" ? "constexprs" : "constants-by-name");
      assert.equal(r.shared, 4096 * 2);
      assert.equal(r.numWarps, 8);
      assert.equal(r.tritonVersion, `${api}.0`);
      const k = compiledFromReply(r, "add_kernel", { constexprs: [{ name: "BLOCK", value: 1024 }], numWarps: 8, numStages: 2 });
      if ("error" in k) assert.fail(k.error);
      assert.equal(k.registersPerThread, cubin.ptxas.get("add_kernel")!.registers);
    });
  }

  it("leaves out every decorator but @jit, whatever their order and length, keeping the lines where they were", async () => {
    const cubin = nvccCubin(work, "fake_decorators", TRITON_LIKE_CU, "sm_90");
    const env = { ...process.env, PYTHONPATH: fake, FAKE_CUBIN: cubin.path, FAKE_TRITON_API: "3.3" };
    // The heuristics' '@' line directly follows another function's last line, which must stay as it is.
    const source = "@triton.jit\ndef helper(a):\n    return a\n@triton.heuristics({'EVEN': lambda args: undefined_host_function(args),\n                    'X': 1})\n@triton.jit\ndef add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):\n    pass\n";
    const r = await compileTritonKernel(python!, { ...request, sources: [source] }, { trusted: true, helperPath: helper, deadlineMs: 30_000, env });
    assert.ok(r.ok, JSON.stringify(r));
  });

  it("reports the forms tried when none compiles, and the kernel's own error first", async () => {
    const cubin = nvccCubin(work, "fake_err", TRITON_LIKE_CU, "sm_90");
    const env = { ...process.env, PYTHONPATH: fake, FAKE_CUBIN: cubin.path, FAKE_TRITON_API: "3.1" };
    const r = await compileTritonKernel(python!, { ...request, constexprs: { BLOCK: "big" } }, { trusted: true, helperPath: helper, deadlineMs: 30_000, env });
    assert.ok(!r.ok && r.kind === "compile", JSON.stringify(r));
    assert.match(r.message, /constexpr BLOCK is not an int/);
    assert.ok(r.attempts.length >= 3);
  });

  it("says which parameter is missing, and refuses a source that is not only definitions", async () => {
    const env = { ...process.env, PYTHONPATH: fake, FAKE_CUBIN: "/nonexistent" };
    const missing = await compileTritonKernel(python!, { ...request, constexprs: {} }, { trusted: true, helperPath: helper, env });
    assert.ok(!missing.ok && missing.kind === "bad-request" && /BLOCK/.test(missing.message), JSON.stringify(missing));
    const code = await compileTritonKernel(python!, { ...request, sources: ["import os\nos.system('touch /tmp/x')\n"] }, { trusted: true, helperPath: helper, env });
    assert.ok(!code.ok && code.kind === "source" && /only function definitions/.test(code.message), JSON.stringify(code));
  });
});

describe("running the interpreter", () => {
  it("uses the setting, else the Python extension's interpreter, else none", () => {
    assert.equal(tritonPythonOf(" /opt/py/bin/python ", "/usr/bin/python3"), "/opt/py/bin/python");
    assert.equal(tritonPythonOf("", "/usr/bin/python3"), "/usr/bin/python3");
    assert.equal(tritonPythonOf(undefined, undefined), undefined);
  });

  it("runs nothing in an untrusted workspace", async () => {
    const marker = join(work, "ran-untrusted");
    const fakePython = script("python-untrusted", `touch ${marker}`);
    const r = await compileTritonKernel(fakePython, request, { trusted: false, helperPath: helper });
    assert.ok(!r.ok && r.kind === "untrusted");
    assert.equal(new TritonProbes().probe(fakePython, false), undefined);
    assert.equal(existsSync(marker), false);
  });

  it("passes the request on stdin and reads the reply from a fake interpreter", async () => {
    const seen = join(work, "seen-request.json");
    const cacheSeen = join(work, "seen-cache-dir");
    const fakePython = script("python-echo", `cat > ${seen}\necho "$TRITON_CACHE_DIR" > ${cacheSeen}\necho '{"ok": false, "kind": "compile", "message": "from the fake", "attempts": []}'`);
    const r = await compileTritonKernel(fakePython, request, { trusted: true, helperPath: helper, env: { ...process.env, TRITON_CACHE_DIR: "/home/user/.triton/cache" } });
    assert.ok(!r.ok && r.kind === "compile" && r.message === "from the fake");
    assert.deepEqual(JSON.parse(readFileSync(seen, "utf8")), request);
    // Compiles go to KernelLens's own Triton cache, never the user's.
    assert.equal(readFileSync(cacheSeen, "utf8").trim(), join(tmpdir(), "kernellens-triton-cache"));
  });

  it("kills the interpreter and its children at the deadline", async () => {
    const pidFile = join(work, "deadline-child.pid");
    const fakePython = script("python-slow", `sleep 30 & echo $! > ${pidFile}\nwait`);
    const started = Date.now();
    const r = await compileTritonKernel(fakePython, request, { trusted: true, helperPath: helper, deadlineMs: 300 });
    assert.ok(!r.ok && r.kind === "timeout", JSON.stringify(r));
    assert.ok(Date.now() - started < 5000);
    assertGone(Number(readFileSync(pidFile, "utf8")));
  });

  it("kills the interpreter and its children when cancelled", async () => {
    const pidFile = join(work, "cancel-child.pid");
    const fakePython = script("python-cancel", `sleep 30 & echo $! > ${pidFile}\nwait`);
    const cancel = new CancelSource();
    setTimeout(() => cancel.cancel(), 300);
    const r = await compileTritonKernel(fakePython, request, { trusted: true, helperPath: helper, cancel });
    assert.ok(!r.ok && r.kind === "cancelled", JSON.stringify(r));
    assertGone(Number(readFileSync(pidFile, "utf8")));
  });

  it("says an interpreter that cannot start, and a reply that is not JSON, plainly", async () => {
    const none = await compileTritonKernel(join(work, "no-such-python"), request, { trusted: true, helperPath: helper });
    assert.ok(!none.ok && none.kind === "no-python");
    const crash = script("python-crash", "echo 'Traceback (most recent call last):' >&2\necho 'ImportError: libcuda' >&2\nexit 1");
    const r = await compileTritonKernel(crash, request, { trusted: true, helperPath: helper });
    assert.ok(!r.ok && r.kind === "malformed" && /ImportError: libcuda/.test(r.message), JSON.stringify(r));
  });

  it("asks an interpreter for Triton once", async () => {
    const count = join(work, "probe-count");
    const fakePython = script("python-probe", `echo x >> ${count}\necho 3.4.0`);
    const probes = new TritonProbes();
    const [a, b] = await Promise.all([probes.probe(fakePython, true), probes.probe(fakePython, true)]);
    const c = await probes.probe(fakePython, true);
    assert.ok(a?.ok && a.version === "3.4.0" && b?.ok && c?.ok);
    assert.equal(readFileSync(count, "utf8").trim().split("\n").length, 1);
    probes.forget();
    await probes.probe(fakePython, true);
    assert.equal(readFileSync(count, "utf8").trim().split("\n").length, 2);
  });
});

/** The process is gone (killed with its group), waiting briefly for the kill to land. */
function assertGone(pid: number): void {
  assert.ok(Number.isInteger(pid) && pid > 0);
  const until = Date.now() + 3000;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > until) assert.fail(`process ${pid} is still running`);
    spawnSync("sleep", ["0.05"]);
  }
}
