// The parent side of the GPU helper: forks the child on demand, serialises requests, and enforces every deadline.
//
// A kernel that never ends really hangs a software rasterizer (no watchdog, and device.destroy() blocks forever), so
// the only way out is killing the child: a request past its deadline kills it with SIGKILL and answers `timeout`; a
// child that dies mid-request answers `crash`; cancellation kills it too. The next request starts a fresh child. A
// failed request is never retried: a kernel that crashed the helper once would crash it again.
import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { deadlineError, restartsDeadline } from "./deadline";
import { type AdapterAnswer, type CalibrateAnswer, type ParentMessage, helperError, parseChildMessage } from "./ipc";
import type { AdapterSummary, CalibrationProfile, CalibrationProgress, Cancellation, GpuHelper, HelperError, RunRequest, RunResponse } from "./types";

export interface GpuHelperOptions {
  /** The helper bundle; default: dist/gpuHelper.js next to the running bundle, or the repository's dist/ from sources. */
  readonly helperPath?: string;
  readonly log?: (message: string) => void;
  /** Stop the child after this many idle milliseconds (0 or absent: keep it warm until dispose). */
  readonly idleTimeoutMs?: number;
  /** Deadline of an adapter request (default 20 s; includes starting the child). */
  readonly adapterTimeoutMs?: number;
  /** Deadline of a calibration (default 120 s). */
  readonly calibrateTimeoutMs?: number;
  /**
   * Milliseconds a cancelled request may take to stop by itself (between dispatches or calibration steps) before
   * the child is killed; default 0: cancellation kills the child at once.
   */
  readonly cancelGraceMs?: number;
  /** Environment of the child (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
}

type Op = "adapter" | "run" | "calibrate";
type Answer = AdapterAnswer | RunResponse | CalibrateAnswer;

interface Job {
  readonly op: Op;
  readonly request?: RunRequest;
  readonly timeoutMs: number;
  readonly cancel?: Cancellation;
  readonly onProgress?: (p: CalibrationProgress) => void;
  readonly resolve: (answer: Answer) => void;
  id?: number;
  child?: ChildProcess;
  timer?: NodeJS.Timeout;
  /** The last progress the child reported: where the request was if its deadline passes. */
  lastProgress?: CalibrationProgress;
  /** Cancelled while running: whatever the child answers now, the caller gets `cancelled`. */
  cancelRequested?: boolean;
  settled: boolean;
}

/** Candidate paths of the helper bundle, most specific first. */
export function helperCandidates(from: string = __dirname): string[] {
  const found: string[] = [];
  if (process.env.KERNELLENS_GPU_HELPER) found.push(process.env.KERNELLENS_GPU_HELPER);
  // dist/client.js, dist/server.js, dist/cli.js -> dist/gpuHelper.js
  found.push(join(from, "gpuHelper.js"));
  // From the sources (server/src/gpu, tests under tsx): the repository's dist/.
  let dir = from;
  for (let i = 0; i < 6; i++) {
    found.push(join(dir, "dist", "gpuHelper.js"));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return found.map((p) => resolve(p));
}

/** Children alive in this process, killed when it exits: a helper must never outlive the editor or the CLI. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const c of live) c.kill("SIGKILL");
  });
}

const clampTimer = (ms: number, fallback: number): number => (Number.isFinite(ms) && ms > 0 ? Math.min(ms, 2 ** 31 - 1) : fallback);

export class GpuHelperProcess implements GpuHelper {
  private currentState: GpuHelper["state"] = "stopped";
  private readonly listeners: ((state: GpuHelper["state"], detail: string) => void)[] = [];
  private readonly queue: Job[] = [];
  private active: Job | undefined;
  private child: ChildProcess | undefined;
  private adapterInfo: AdapterSummary | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private disposed = false;
  private readonly log: (message: string) => void;

  constructor(private readonly options: GpuHelperOptions = {}) {
    this.log = options.log ?? (() => undefined);
  }

  get state(): GpuHelper["state"] {
    return this.currentState;
  }

  /** The child's process id while one runs (for tests and diagnostics). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  onStateChange(listener: (state: GpuHelper["state"], detail: string) => void): void {
    this.listeners.push(listener);
  }

  async adapter(): Promise<AdapterSummary | HelperError> {
    if (this.adapterInfo && this.child) return this.adapterInfo;
    const answer = (await this.enqueue({ op: "adapter", timeoutMs: this.options.adapterTimeoutMs ?? 20_000 })) as AdapterAnswer;
    return answer.ok ? answer.adapter : answer.error;
  }

  /** `request.timeoutMs` is the deadline of each dispatch: every dispatch the child starts restarts it (deadline.ts). */
  run(request: RunRequest, cancel?: Cancellation, onProgress?: (p: CalibrationProgress) => void): Promise<RunResponse> {
    return this.enqueue({ op: "run", request, timeoutMs: clampTimer(request.timeoutMs, 30_000), cancel, onProgress }) as Promise<RunResponse>;
  }

  async calibrate(onProgress?: (p: CalibrationProgress) => void, cancel?: Cancellation): Promise<CalibrationProfile | HelperError> {
    const answer = (await this.enqueue({ op: "calibrate", timeoutMs: this.options.calibrateTimeoutMs ?? 120_000, cancel, onProgress })) as CalibrateAnswer;
    return answer.ok ? answer.profile : answer.error;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const pending = [...(this.active ? [this.active] : []), ...this.queue.splice(0)];
    this.stopChild();
    for (const job of pending) this.finish(job, { ok: false, error: helperError("cancelled", "the GPU helper was disposed") });
    this.setState("stopped", "disposed");
  }

  private enqueue(spec: Omit<Job, "settled" | "resolve">): Promise<Answer> {
    return new Promise<Answer>((resolvePromise) => {
      if (this.disposed) return resolvePromise({ ok: false, error: helperError("cancelled", "the GPU helper was disposed") });
      if (spec.cancel?.cancelled) return resolvePromise({ ok: false, error: helperError("cancelled", "cancelled") });
      const job: Job = { ...spec, resolve: resolvePromise, settled: false };
      this.queue.push(job);
      spec.cancel?.onCancel(() => this.cancelJob(job));
      this.pump();
    });
  }

  private pump(): void {
    if (this.active || this.disposed) return;
    const job = this.queue.shift();
    if (!job) {
      this.scheduleIdleStop();
      return;
    }
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const child = this.ensureChild();
    if ("kind" in child) {
      this.finish(job, { ok: false, error: child });
      return;
    }
    this.active = job;
    job.child = child;
    job.id = this.nextId++;
    this.hold(child, true);
    job.timer = setTimeout(() => this.onDeadline(job), job.timeoutMs);
    const message: ParentMessage = job.op === "run" ? { type: "run", id: job.id, request: job.request! } : { type: job.op, id: job.id };
    child.send(message, (err) => {
      if (err) this.log(`could not send the request: ${err.message}`);
    });
  }

  private ensureChild(): ChildProcess | HelperError {
    if (this.child) return this.child;
    const candidates = this.options.helperPath ? [resolve(this.options.helperPath)] : helperCandidates();
    const path = candidates.find((p) => existsSync(p));
    if (!path) {
      const error = helperError("internal", `the GPU helper bundle was not found (looked in ${candidates.slice(0, 3).join(", ")}); build it with \`node build.mjs\``);
      this.setState("failed", error.message);
      return error;
    }
    let child: ChildProcess;
    try {
      child = fork(path, [], {
        // The parent's flags (a TypeScript loader under tests, an inspector) must not leak into the helper.
        execArgv: [],
        env: this.options.env ?? process.env,
        // stdout is ignored: Dawn prints there. stderr carries Dawn's warnings to the log.
        stdio: ["ignore", "ignore", "pipe", "ipc"],
        serialization: "advanced",
      });
    } catch (err) {
      const error = helperError("internal", `could not start the GPU helper: ${(err as Error).message}`);
      this.setState("failed", error.message);
      return error;
    }
    this.child = child;
    live.add(child);
    installExitHook();
    this.setState("starting", `starting ${path}`);
    this.log(`started pid ${child.pid ?? "?"} (${path})`);
    child.on("message", (raw: unknown) => this.onMessage(child, raw));
    child.on("exit", (code, signal) => this.onExit(child, code, signal));
    child.on("error", (err) => {
      this.log(`${err.message}`);
      // A child that never spawned emits no exit event.
      if (child.pid === undefined) this.onExit(child, null, null);
    });
    child.stderr?.setEncoding("utf8");
    let partial = "";
    child.stderr?.on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) this.log(`${line}`);
    });
    return child;
  }

  /** A busy child keeps this process alive; an idle one must not stop the CLI or a test from exiting. */
  private hold(child: ChildProcess, busy: boolean): void {
    const handles = [child, child.channel, child.stderr] as ({ ref?: () => void; unref?: () => void } | null | undefined)[];
    for (const h of handles) {
      if (busy) h?.ref?.();
      else h?.unref?.();
    }
  }

  private onMessage(child: ChildProcess, raw: unknown): void {
    const m = parseChildMessage(raw);
    const job = this.active;
    if ("invalid" in m) {
      this.log(`malformed message: ${m.invalid}`);
      if (job && job.child === child && m.id === job.id) this.finish(job, { ok: false, error: helperError("internal", `the GPU helper answered a malformed message: ${m.invalid}`) });
      return;
    }
    if (!job || job.child !== child || m.id !== job.id) return; // an answer to a request already given up
    if (m.type === "progress") {
      job.lastProgress = m.progress;
      // A run's deadline is each dispatch's: the next one starts with a fresh deadline (unless a cancel is pending).
      if (restartsDeadline(job.op) && !job.cancelRequested) {
        if (job.timer) clearTimeout(job.timer);
        job.timer = setTimeout(() => this.onDeadline(job), job.timeoutMs);
      }
      try {
        job.onProgress?.(m.progress);
      } catch (err) {
        this.log(`a progress listener threw: ${(err as Error).message}`);
      }
      return;
    }
    const answer = m.answer;
    if ((m.op === "adapter" || m.op === "run") && answer.ok) this.adapterInfo = (answer as { adapter: AdapterSummary }).adapter;
    if (!answer.ok && answer.error.kind === "no-adapter") {
      this.setState("failed", `${answer.error.message}${answer.error.advice ? `; ${answer.error.advice}` : ""}`);
    } else {
      // Any other answer means the child opened its device (a compile error still comes from a working helper).
      this.setState("ready", this.adapterInfo ? describe(this.adapterInfo) : "ready");
    }
    this.finish(job, job.cancelRequested ? { ok: false, error: helperError("cancelled", "cancelled") } : answer);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    live.delete(child);
    if (this.child !== child) return; // killed on purpose; already accounted for
    this.child = undefined;
    this.adapterInfo = undefined;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code ?? "?"}`;
    this.log(`pid ${child.pid ?? "?"} ${how}`);
    const job = this.active;
    if (job && job.child === child) {
      this.setState("failed", `the GPU helper ${how} during a request`);
      this.finish(job, { ok: false, error: helperError("crash", `the GPU helper ${how} during the request`) });
    } else {
      this.setState(this.disposed ? "stopped" : "failed", `the GPU helper ${how} while idle`);
    }
  }

  private onDeadline(job: Job): void {
    if (job.settled) return;
    const error = deadlineError(job.op, job.timeoutMs, job.lastProgress);
    this.log(`${job.op} request passed its ${job.timeoutMs} ms deadline (${error.message}); killing pid ${job.child?.pid ?? "?"}`);
    this.stopChild();
    this.setState("failed", `a ${job.op} request ${error.message}; the helper restarts on the next request`);
    this.finish(job, { ok: false, error });
  }

  private cancelJob(job: Job): void {
    if (job.settled) return;
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.finish(job, { ok: false, error: helperError("cancelled", "cancelled") });
      return;
    }
    if (this.active !== job) return;
    const grace = this.options.cancelGraceMs ?? 0;
    job.cancelRequested = true;
    if (grace > 0 && job.child && job.id !== undefined) {
      // The child stops at its next check point and answers `cancelled`; past the grace period it is killed.
      job.child.send({ type: "cancel", id: job.id } satisfies ParentMessage, () => undefined);
      if (job.timer) clearTimeout(job.timer);
      job.timer = setTimeout(() => this.killCancelled(job), grace);
      return;
    }
    this.killCancelled(job);
  }

  private killCancelled(job: Job): void {
    if (job.settled) return;
    this.stopChild();
    this.setState("stopped", "cancelled; the helper restarts on the next request");
    this.finish(job, { ok: false, error: helperError("cancelled", "cancelled") });
  }

  private finish(job: Job, answer: Answer): void {
    if (job.settled) return;
    job.settled = true;
    if (job.timer) clearTimeout(job.timer);
    if (this.active === job) {
      this.active = undefined;
      if (this.child) this.hold(this.child, false);
    }
    job.resolve(answer);
    this.pump();
  }

  private stopChild(): void {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.adapterInfo = undefined;
    child.kill("SIGKILL");
  }

  private scheduleIdleStop(): void {
    const ms = this.options.idleTimeoutMs ?? 0;
    if (!(ms > 0) || !this.child || this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.active || this.queue.length > 0 || !this.child) return;
      this.log(`idle for ${ms} ms; stopping it`);
      this.stopChild();
      this.setState("stopped", "stopped after being idle");
    }, ms);
    this.idleTimer.unref();
  }

  private setState(state: GpuHelper["state"], detail: string): void {
    if (state === this.currentState) return;
    this.currentState = state;
    for (const l of this.listeners) {
      try {
        l(state, detail);
      } catch (err) {
        this.log(`a state listener threw: ${(err as Error).message}`);
      }
    }
  }
}

function describe(a: AdapterSummary): string {
  const name = [a.vendor, a.architecture, a.description || a.device].filter(Boolean).join(" ");
  return `${name} (${a.backend}${a.software ? ", software rasterizer" : ""})`;
}
