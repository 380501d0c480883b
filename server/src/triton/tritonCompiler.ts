// Runs Triton's compiler with the user's own Python (the exact path for Triton kernels): the helper script
// server/python/triton_compile.py (shipped as dist/python/triton_compile.py) reads one compile request on stdin and
// answers JSON on stdout; see its header for the protocol.
//
// Which Python: `kernellens.triton.pythonPath`, else the interpreter the Python extension has selected (the VS Code
// client passes it), else none: the exact path is off and the estimates stand. Never a shell (runTool: an argument
// list), a deadline, cancellation that kills the process group, and only in a trusted workspace: the sources sent are
// the workspace's code, executed by the user's interpreter (the kernels' definitions only, never their module).
//
// Whether the interpreter has Triton is asked once per interpreter (`import triton; print(triton.__version__)`) and
// remembered, so a Python without Triton costs one probe, not one per keystroke.
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCompileReply, type TritonCompileReply } from "../core/triton/compiledMetadata";
import type { TritonCompileRequest } from "../core/triton/compileJobs";
import { runTool } from "../cuda/runTool";
import type { Cancellation } from "../gpu/types";

export const TRITON_HELPER_FILE = "triton_compile.py";

/** Where the helper script is: beside the bundle (dist/python) or in the source tree (server/python). */
export function helperScriptCandidates(from: string = __dirname): string[] {
  return [join(from, "python", TRITON_HELPER_FILE), join(from, "..", "python", TRITON_HELPER_FILE), join(from, "..", "..", "python", TRITON_HELPER_FILE), join(from, "..", "server", "python", TRITON_HELPER_FILE)];
}

export function findHelperScript(from: string = __dirname): string | undefined {
  return helperScriptCandidates(from).find((p) => existsSync(p));
}

/** The interpreter to compile with: the setting, else the Python extension's selection; undefined: none (off). */
export function tritonPythonOf(settingPath: string | undefined, selectedInterpreter: string | undefined): string | undefined {
  const s = settingPath?.trim();
  if (s) return s;
  const p = selectedInterpreter?.trim();
  return p ? p : undefined;
}

export type TritonProbe =
  | { readonly ok: true; readonly python: string; readonly version: string }
  | { readonly ok: false; readonly python: string; readonly kind: "no-python" | "no-triton" | "timeout" | "failed"; readonly message: string };

export interface TritonRunOptions {
  /** The workspace is trusted (Workspace Trust): nothing runs otherwise. */
  readonly trusted: boolean;
  readonly deadlineMs?: number;
  readonly cancel?: Cancellation;
  /** The helper script (default: found beside the bundle). */
  readonly helperPath?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /**
   * Triton's cache folder for these compiles (default: kernellens-triton-cache in the temporary folder). Not the
   * user's own: KernelLens compiles with assumed pointer types at times, and those must not pass for the user's runs
   * when Triton's cache is read (tritonCache.ts).
   */
  readonly cacheDir?: string;
}

export type TritonCompileResult =
  | (TritonCompileReply & { readonly ok: true; readonly compileMs: number })
  | (Extract<TritonCompileReply, { ok: false }> & { readonly compileMs?: number })
  | { readonly ok: false; readonly kind: "untrusted" | "no-python" | "no-helper" | "timeout" | "cancelled"; readonly message: string; readonly attempts: readonly [] };

/** Probing Python is a few seconds (importing triton); compiles take seconds to a minute for large kernels. */
const PROBE_DEADLINE_MS = 30_000;
const COMPILE_DEADLINE_MS = 120_000;

/** Remembers, per interpreter, whether it has Triton (asked once; `forget` after the setting changes). */
export class TritonProbes {
  private readonly known = new Map<string, Promise<TritonProbe>>();

  constructor(private readonly env?: NodeJS.ProcessEnv) {}

  /** Whether `python` has Triton, and which version; asked once per interpreter. */
  probe(python: string, trusted: boolean): Promise<TritonProbe> | undefined {
    if (!trusted) return undefined;
    let p = this.known.get(python);
    if (!p) {
      p = probeTriton(python, this.env);
      this.known.set(python, p);
      // A probe that timed out (a loaded machine) may be asked again later.
      void p.then((r) => {
        if (!r.ok && r.kind === "timeout") this.known.delete(python);
      });
    }
    return p;
  }

  forget(): void {
    this.known.clear();
  }
}

/** Asks `python` for Triton's version. */
export async function probeTriton(python: string, env?: NodeJS.ProcessEnv): Promise<TritonProbe> {
  // `-c` puts the working directory on sys.path: run it in the temporary folder, so a workspace's triton.py is not it.
  const run = await runTool(python, ["-c", "import triton; print(triton.__version__)"], { cwd: tmpdir(), deadlineMs: PROBE_DEADLINE_MS, maxOutputBytes: 64 * 1024, ...(env ? { env } : {}) });
  if (run.outcome === "spawn-failed") return { ok: false, python, kind: "no-python", message: `${python} could not be started: ${run.error ?? "unknown error"}` };
  if (run.outcome === "timeout") return { ok: false, python, kind: "timeout", message: `${python} did not answer within ${PROBE_DEADLINE_MS / 1000} s when asked for Triton` };
  if (run.outcome !== "exited") return { ok: false, python, kind: "failed", message: `${python} was stopped` };
  const version = run.stdout.trim().split("\n").pop()?.trim() ?? "";
  if (run.code === 0 && /^\d+\.\d+/.test(version)) return { ok: true, python, version };
  const missing = /No module named '?triton'?/.test(run.stderr);
  const last = run.stderr.trim().split("\n").pop() ?? "";
  return { ok: false, python, kind: missing ? "no-triton" : "failed", message: missing ? `triton is not installed in ${python}` : `${python} could not import triton: ${last || `exit code ${run.code}`}` };
}

/** Compiles one kernel and configuration with `python`'s Triton; never throws. */
export async function compileTritonKernel(python: string, request: TritonCompileRequest, options: TritonRunOptions): Promise<TritonCompileResult> {
  if (!options.trusted) return { ok: false, kind: "untrusted", message: "Triton compiles only in a trusted workspace (it executes the workspace's kernel code)", attempts: [] };
  const helper = options.helperPath ?? findHelperScript();
  if (!helper) return { ok: false, kind: "no-helper", message: `KernelLens's ${TRITON_HELPER_FILE} was not found beside the server`, attempts: [] };
  const deadlineMs = options.deadlineMs ?? COMPILE_DEADLINE_MS;
  // Run as a script, whose own folder (not the working directory) heads sys.path: the workspace's modules are not on
  // it. Not -I: that would also drop user site-packages and PYTHONPATH, where Triton may be installed.
  const run = await runTool(python, [helper], {
    deadlineMs,
    stdin: JSON.stringify(request),
    maxOutputBytes: 64 * 1024 * 1024,
    ...(options.cancel ? { cancel: options.cancel } : {}),
    env: { ...(options.env ?? process.env), TRITON_CACHE_DIR: options.cacheDir ?? join(tmpdir(), "kernellens-triton-cache") },
    cwd: options.cwd ?? tmpdir(),
  });
  if (run.outcome === "cancelled") return { ok: false, kind: "cancelled", message: "cancelled", attempts: [] };
  if (run.outcome === "timeout") return { ok: false, kind: "timeout", message: `Triton did not finish compiling ${request.kernel} within ${Math.round(deadlineMs / 1000)} s`, attempts: [] };
  if (run.outcome === "spawn-failed") return { ok: false, kind: "no-python", message: `${python} could not be started: ${run.error ?? "unknown error"}`, attempts: [] };
  const reply = parseCompileReply(run.stdout);
  if (!reply.ok && reply.kind === "malformed") {
    const last = run.stderr.trim().split("\n").slice(-3).join("\n");
    return { ...reply, message: `${reply.message} (exit code ${run.code}${last ? `: ${last}` : ""})`, compileMs: run.durationMs };
  }
  return { ...reply, compileMs: run.durationMs } as TritonCompileResult;
}
