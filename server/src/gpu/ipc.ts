// The messages between the GPU helper's parent and its child process, and their validation on receipt.
//
// Both sides check every message they get: the channel crosses a process boundary and a bug or a stale child must
// produce a clear `internal` error, never a crash on a missing field. Messages travel with Node's "advanced"
// serialization (structured clone), so ArrayBuffers in buffer data and outputs arrive intact.
import type { AdapterSummary, BufferSpec, CalibrationProfile, CalibrationProgress, HelperError, HelperErrorKind, RunRequest, RunResponse } from "./types";

/** Parent to child. `cancel` asks the child to stop the request at its next check point (between dispatches or calibration steps). */
export type ParentMessage =
  | { readonly type: "adapter"; readonly id: number }
  | { readonly type: "run"; readonly id: number; readonly request: RunRequest }
  | { readonly type: "calibrate"; readonly id: number }
  | { readonly type: "cancel"; readonly id: number };

export type AdapterAnswer = { readonly ok: true; readonly adapter: AdapterSummary } | { readonly ok: false; readonly error: HelperError };
export type CalibrateAnswer = { readonly ok: true; readonly profile: CalibrationProfile } | { readonly ok: false; readonly error: HelperError };

/** Child to parent: progress during a request, then exactly one result with the request's id. */
export type ChildMessage =
  | { readonly type: "progress"; readonly id: number; readonly progress: CalibrationProgress }
  | { readonly type: "result"; readonly id: number; readonly op: "adapter"; readonly answer: AdapterAnswer }
  | { readonly type: "result"; readonly id: number; readonly op: "run"; readonly answer: RunResponse }
  | { readonly type: "result"; readonly id: number; readonly op: "calibrate"; readonly answer: CalibrateAnswer };

const ERROR_KINDS: readonly HelperErrorKind[] = ["no-adapter", "compile", "validation", "limits", "out-of-memory", "timeout", "crash", "cancelled", "internal"];
const BUFFER_KINDS: readonly BufferSpec["kind"][] = ["storage-read", "storage-read-write", "uniform"];

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/** Why a run request is malformed, or undefined when it is well-formed (sizes against limits are the runner's job). */
export function checkRunRequest(r: unknown): string | undefined {
  if (!isObj(r)) return "request is not an object";
  if (typeof r.code !== "string") return "code must be a string";
  if (typeof r.entryPoint !== "string" || r.entryPoint.length === 0) return "entryPoint must be a non-empty string";
  if (!isObj(r.constants)) return "constants must be an object";
  for (const [k, v] of Object.entries(r.constants)) if (!isFiniteNumber(v)) return `constant ${k} must be a finite number`;
  if (!Array.isArray(r.dispatch) || r.dispatch.length !== 3 || !r.dispatch.every(isCount)) return "dispatch must be three non-negative integers";
  if (!isCount(r.warmup)) return "warmup must be a non-negative integer";
  if (!isCount(r.repeat) || r.repeat < 1) return "repeat must be a positive integer";
  if (!isFiniteNumber(r.timeoutMs) || r.timeoutMs <= 0) return "timeoutMs must be a positive number";
  if (r.rotateInputs !== undefined && (!isCount(r.rotateInputs) || r.rotateInputs < 1)) return "rotateInputs must be a positive integer";
  if (!Array.isArray(r.buffers)) return "buffers must be an array";
  for (const [i, b] of r.buffers.entries()) {
    const problem = checkBufferSpec(b);
    if (problem) return `buffers[${i}]${isObj(b) && typeof b.name === "string" ? ` (${b.name})` : ""}: ${problem}`;
  }
  return undefined;
}

function checkBufferSpec(b: unknown): string | undefined {
  if (!isObj(b)) return "not an object";
  if (typeof b.name !== "string") return "name must be a string";
  if (!isCount(b.group) || !isCount(b.binding)) return "group and binding must be non-negative integers";
  if (!isCount(b.sizeBytes) || b.sizeBytes < 1) return "sizeBytes must be a positive integer";
  if (!BUFFER_KINDS.includes(b.kind as BufferSpec["kind"])) return `kind must be one of ${BUFFER_KINDS.join(", ")}`;
  if (b.data !== undefined && !(b.data instanceof ArrayBuffer)) return "data must be an ArrayBuffer";
  if (b.poison !== undefined && !(isCount(b.poison) && b.poison <= 0xffffffff)) return "poison must be a 32-bit unsigned integer";
  if (typeof b.readBack !== "boolean") return "readBack must be a boolean";
  return undefined;
}

/** The parent's message as received by the child, or why it is malformed. */
export function parseParentMessage(m: unknown): ParentMessage | { readonly invalid: string; readonly id?: number } {
  if (!isObj(m)) return { invalid: "message is not an object" };
  if (!isId(m.id)) return { invalid: "message has no numeric id" };
  switch (m.type) {
    case "adapter":
    case "calibrate":
    case "cancel":
      return { type: m.type, id: m.id };
    case "run": {
      const problem = checkRunRequest(m.request);
      if (problem) return { invalid: `invalid run request: ${problem}`, id: m.id };
      return { type: "run", id: m.id, request: m.request as RunRequest };
    }
    default:
      return { invalid: `unknown message type ${String(m.type)}`, id: m.id };
  }
}

function checkError(e: unknown): string | undefined {
  if (!isObj(e)) return "error is not an object";
  if (!ERROR_KINDS.includes(e.kind as HelperErrorKind)) return `unknown error kind ${String(e.kind)}`;
  if (typeof e.message !== "string") return "error has no message";
  return undefined;
}

function checkAdapter(a: unknown): string | undefined {
  if (!isObj(a)) return "adapter is not an object";
  for (const k of ["vendor", "architecture", "device", "description", "backend", "key"]) if (typeof a[k] !== "string") return `adapter.${k} must be a string`;
  if (typeof a.software !== "boolean" || typeof a.timestampQuery !== "boolean") return "adapter flags must be booleans";
  if (!Array.isArray(a.features) || !isObj(a.limits)) return "adapter features/limits malformed";
  return undefined;
}

function checkAnswer(op: unknown, answer: unknown): string | undefined {
  if (!isObj(answer) || typeof answer.ok !== "boolean") return "answer has no ok flag";
  if (!answer.ok) return checkError(answer.error);
  switch (op) {
    case "adapter":
      return checkAdapter(answer.adapter);
    case "run": {
      if (!isObj(answer.outputs)) return "run answer has no outputs";
      for (const v of Object.values(answer.outputs)) if (!(v instanceof ArrayBuffer)) return "run output is not an ArrayBuffer";
      const t = answer.timing;
      if (!isObj(t) || (t.method !== "timestamp" && t.method !== "wall") || !Array.isArray(t.samplesMs)) return "run answer timing malformed";
      return checkAdapter(answer.adapter);
    }
    case "calibrate": {
      const p = answer.profile;
      if (!isObj(p)) return "calibrate answer has no profile";
      for (const k of ["copyBandwidthScalar", "copyBandwidthVec4", "copyBufferToBuffer", "fmaF32", "workgroupBandwidth", "dispatchOverheadMs"]) {
        if (!isFiniteNumber(p[k])) return `profile.${k} must be a number`;
      }
      return checkAdapter(p.adapter);
    }
    default:
      return `unknown result op ${String(op)}`;
  }
}

/** The child's message as received by the parent, or why it is malformed. */
export function parseChildMessage(m: unknown): ChildMessage | { readonly invalid: string; readonly id?: number } {
  if (!isObj(m)) return { invalid: "message is not an object" };
  if (!isId(m.id)) return { invalid: "message has no numeric id" };
  if (m.type === "progress") {
    const p = m.progress;
    if (!isObj(p) || typeof p.step !== "string" || !isFiniteNumber(p.done) || !isFiniteNumber(p.total)) return { invalid: "malformed progress", id: m.id };
    return { type: "progress", id: m.id, progress: { step: p.step, done: p.done, total: p.total } };
  }
  if (m.type === "result") {
    const problem = checkAnswer(m.op, m.answer);
    if (problem) return { invalid: `malformed ${String(m.op)} result: ${problem}`, id: m.id };
    return m as unknown as ChildMessage;
  }
  return { invalid: `unknown message type ${String(m.type)}`, id: m.id };
}

export function helperError(kind: HelperErrorKind, message: string, extra: Partial<HelperError> = {}): HelperError {
  return { ...extra, kind, message };
}
