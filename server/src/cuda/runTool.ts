// Runs one toolchain program (nvcc, c++filt, g++) with an argument list, a deadline and cancellation, and always ends.
//
// Never a shell: the program and its arguments go to the system as a list, so no workspace text is ever interpreted.
// nvcc starts children of its own (the preprocessor, cicc, ptxas), so on POSIX the program runs in a process group of
// its own and a passed deadline or a cancellation kills the whole group with SIGKILL (on Windows, `taskkill /T /F`).
// Output is capped; the answer comes when the program's streams close, or shortly after it exits if a grandchild
// keeps them open. Programs still running when this process exits are killed with it.
import { type ChildProcess, spawn } from "node:child_process";
import type { Cancellation } from "../gpu/types";

export interface ToolRunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Milliseconds the program may run; past it the process group is killed and the outcome is `timeout`. */
  readonly deadlineMs: number;
  readonly cancel?: Cancellation;
  /** Text written to the program's standard input (then closed); none: standard input is closed at once. */
  readonly stdin?: string;
  /** Bytes kept of stdout and of stderr each (default 8 MiB); the rest is counted and dropped. */
  readonly maxOutputBytes?: number;
}

export interface ToolRun {
  /** `exited`: ran to the end (see `code`); `timeout`/`cancelled`: killed; `spawn-failed`: never started (`error`). */
  readonly outcome: "exited" | "timeout" | "cancelled" | "spawn-failed";
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when stdout or stderr passed `maxOutputBytes` and was cut. */
  readonly truncated: boolean;
  readonly durationMs: number;
  /** Why it did not start (ENOENT, EACCES), in the system's words. */
  readonly error?: string;
}

const DEFAULT_MAX_OUTPUT = 8 * 1024 * 1024;
/** After the program exits, how long its streams may stay open (held by a grandchild) before the answer is given. */
const CLOSE_GRACE_MS = 500;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const c of live) killTree(c);
  });
}

/** Kills the program and everything it started: its process group on POSIX, its process tree on Windows. */
function killTree(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform === "win32") {
    try {
      const killer = spawn("taskkill", ["/pid", String(pid), "/T", "/F"], { stdio: "ignore", windowsHide: true });
      killer.on("error", () => child.kill("SIGKILL"));
    } catch {
      child.kill("SIGKILL");
    }
    return;
  }
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // The group is gone already, or the program never became a group leader: kill the program itself.
    try {
      child.kill("SIGKILL");
    } catch {
      /* already gone */
    }
  }
}

const clampDeadline = (ms: number): number => (Number.isFinite(ms) && ms > 0 ? Math.min(ms, 2 ** 31 - 1) : 30_000);

/** Runs `program` with `args` (never through a shell) and answers how it ended; never throws, never hangs. */
export function runTool(program: string, args: readonly string[], options: ToolRunOptions): Promise<ToolRun> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  if (options.cancel?.cancelled) {
    return Promise.resolve({ outcome: "cancelled", code: null, signal: null, stdout: "", stderr: "", truncated: false, durationMs: 0 });
  }
  return new Promise((resolvePromise) => {
    let child: ChildProcess;
    try {
      child = spawn(program, [...args], {
        cwd: options.cwd,
        env: options.env ?? process.env,
        shell: false,
        windowsHide: true,
        // A group of its own, so a kill reaches nvcc's children too (POSIX only; on Windows taskkill walks the tree).
        detached: process.platform !== "win32",
        stdio: [options.stdin !== undefined ? "pipe" : "ignore", "pipe", "pipe"],
      });
    } catch (err) {
      resolvePromise({ outcome: "spawn-failed", code: null, signal: null, stdout: "", stderr: "", truncated: false, durationMs: elapsed(), error: (err as Error).message });
      return;
    }
    live.add(child);
    installExitHook();

    const out: Buffer[] = [];
    const errs: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let truncated = false;
    const collect = (into: Buffer[], size: () => number, add: (n: number) => void) => (chunk: Buffer) => {
      const room = max - size();
      if (room <= 0) {
        truncated = true;
        return;
      }
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (kept.length < chunk.length) truncated = true;
      into.push(kept);
      add(kept.length);
    };
    child.stdout?.on("data", collect(out, () => outBytes, (n) => (outBytes += n)));
    child.stderr?.on("data", collect(errs, () => errBytes, (n) => (errBytes += n)));

    let outcome: ToolRun["outcome"] = "exited";
    let done = false;
    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    let graceTimer: NodeJS.Timeout | undefined;

    const finish = (extra: Partial<ToolRun> = {}): void => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      clearTimeout(graceTimer);
      live.delete(child);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolvePromise({
        outcome,
        code: exitCode,
        signal: exitSignal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(errs).toString("utf8"),
        truncated,
        durationMs: elapsed(),
        ...extra,
      });
    };

    const deadline = setTimeout(() => {
      if (done) return;
      outcome = "timeout";
      killTree(child);
    }, clampDeadline(options.deadlineMs));

    options.cancel?.onCancel(() => {
      if (done || outcome !== "exited") return;
      outcome = "cancelled";
      killTree(child);
    });

    child.on("error", (err) => {
      // A program that never started emits no exit event.
      if (child.pid === undefined) {
        outcome = "spawn-failed";
        finish({ error: err.message });
      }
    });
    child.on("exit", (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      // The group may still hold the pipes (a grandchild that ignored the kill); do not wait on it for long.
      if (outcome !== "exited") killTree(child);
      graceTimer = setTimeout(() => finish(), CLOSE_GRACE_MS);
    });
    child.on("close", () => finish());

    if (options.stdin !== undefined && child.stdin) {
      child.stdin.on("error", () => undefined); // the program may exit without reading it all
      child.stdin.end(options.stdin);
    }
  });
}
