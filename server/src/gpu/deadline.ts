// Deadlines of helper requests, as pure functions: what a run's deadline covers and what a passed one means.
//
// A run request holds warm-up and timed dispatches. Its `timeoutMs` is the deadline of each of them: the child
// reports each dispatch as it starts (a `progress` message), and the parent restarts the deadline then. So a profile
// of 30 runs of 0.5 s each never passes a 10 s deadline, while one dispatch that never ends still does, after
// `timeoutMs`. The preparation before the first dispatch (compile, pipeline, uploads) and the read-back after the
// last get a deadline each too. Only a dispatch that passed its deadline says anything about the kernel's loops.
import { helperError } from "./ipc";
import type { CalibrationProgress, DeadlineInfo, HelperError } from "./types";

/** Progress steps the runner reports: before each dispatch (`done` of `total` finished), then before the read-back. */
export const RUN_STEP_WARMUP = "warm-up run";
export const RUN_STEP_TIMED = "timed run";
export const RUN_STEP_READ_BACK = "reading back";

/** Whether a progress message restarts the deadline of the request it belongs to: a run's do, a calibration's do not. */
export function restartsDeadline(op: "adapter" | "run" | "calibrate"): boolean {
  return op === "run";
}

/** Where a request was when its deadline passed, from the last progress it reported (none: still preparing). */
export function deadlinePhase(op: "adapter" | "run" | "calibrate", deadlineMs: number, last: CalibrationProgress | undefined): DeadlineInfo {
  if (op !== "run") return { deadlineMs, phase: "request" };
  if (!last) return { deadlineMs, phase: "setup" };
  if (last.step === RUN_STEP_READ_BACK) return { deadlineMs, phase: "read-back" };
  return { deadlineMs, phase: "dispatch", run: last.done + 1, runs: last.total, warmup: last.step === RUN_STEP_WARMUP };
}

/** The `timeout` error of a request that passed its deadline: says which part, so no one blames a loop wrongly. */
export function deadlineError(op: "adapter" | "run" | "calibrate", deadlineMs: number, last: CalibrationProgress | undefined): HelperError {
  const deadline = deadlinePhase(op, deadlineMs, last);
  return helperError("timeout", deadlineMessage(deadline), { deadline });
}

/** One line: `timed out after 10000 ms: run 3 of 32 did not finish within its deadline`. */
export function deadlineMessage(d: DeadlineInfo): string {
  const head = `timed out after ${d.deadlineMs} ms`;
  switch (d.phase) {
    case "dispatch":
      return `${head}: ${d.warmup ? "warm-up " : ""}run ${d.run ?? "?"} of ${d.runs ?? "?"} did not finish within its deadline`;
    case "setup":
      return `${head}: compiling and preparing the kernel did not finish within the deadline (no run had started)`;
    case "read-back":
      return `${head}: reading the outputs back did not finish within the deadline (every run had finished)`;
    case "request":
      return head;
  }
}

/** Whether a timeout means one run of the kernel did not end in time (the only case that hints at an endless loop). */
export function isDispatchTimeout(error: Pick<HelperError, "kind" | "deadline"> | undefined): boolean {
  return error?.kind === "timeout" && error.deadline?.phase === "dispatch";
}
