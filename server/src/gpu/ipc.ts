// The messages between the GPU helper's parent and its child process, and their validation on receipt.
//
// Both sides check every message they get against the schema below (written with core/validation.ts, the checkers
// every message boundary uses): the channel crosses a process boundary and a bug or a stale child must produce a
// clear `internal` error, never a crash on a missing field. Messages travel with Node's "advanced"
// serialization (structured clone), so ArrayBuffers in buffer data and outputs arrive intact.
import {
  arrayOf,
  boolean,
  check,
  discriminated,
  instanceOf,
  integer,
  is,
  isObject,
  literal,
  number,
  object,
  oneOf,
  optional,
  recordOf,
  string,
  taggedUnion,
  tuple,
  unchecked,
  withReason,
} from "../core/validation";
import type { AdapterSummary, BufferSpec, CalibrationProfile, CalibrationProgress, HelperError, HelperErrorKind, RunRequest, RunResponse, TimingResult } from "./types";

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

// ---- The schema of every message, both ways ----
// Both ends are KernelLens's own code, so nothing here is size-limited (a kernel's code and buffers may be large);
// fields a receiver does not rely on are left unchecked, so only a message it cannot use is turned away.

const unbounded = { maxLength: Number.POSITIVE_INFINITY };
const id = integer({ min: 0 });
const count = integer({ min: 0 });
const arrayBuffer = instanceOf(ArrayBuffer, "an ArrayBuffer");

const bufferSpec = object<BufferSpec>({
  name: string(unbounded),
  group: count,
  binding: count,
  sizeBytes: integer({ min: 1 }),
  kind: withReason(oneOf(...BUFFER_KINDS), `must be one of ${BUFFER_KINDS.join(", ")}`),
  data: optional(arrayBuffer),
  poison: optional(integer({ min: 0, max: 0xffffffff })),
  readBack: boolean(),
});

/** A run request (sizes against limits are the runner's job). */
const runRequest = object<RunRequest>({
  code: string(unbounded),
  entryPoint: string({ ...unbounded, minLength: 1 }),
  constants: recordOf(number(), { maxEntries: Number.POSITIVE_INFINITY }),
  buffers: arrayOf(bufferSpec, { ...unbounded, label: (b) => (isObject(b) && typeof b.name === "string" ? b.name : undefined) }),
  dispatch: tuple(count, count, count),
  warmup: count,
  repeat: withReason(integer({ min: 1 }), "must be a positive integer"),
  timeoutMs: number({ above: 0 }),
  rotateInputs: optional(integer({ min: 1 })),
});

const parentMessage = taggedUnion<ParentMessage>({
  adapter: object({ type: literal("adapter"), id }),
  run: object({ type: literal("run"), id, request: runRequest }),
  calibrate: object({ type: literal("calibrate"), id }),
  cancel: object({ type: literal("cancel"), id }),
});

const helperErrorChecker = object<HelperError>({
  kind: oneOf(...ERROR_KINDS),
  message: string(unbounded),
  line: unchecked(),
  column: unchecked(),
  advice: unchecked(),
  deadline: unchecked(),
});

const adapterSummary = object<AdapterSummary>({
  vendor: string(unbounded),
  architecture: string(unbounded),
  device: string(unbounded),
  description: string(unbounded),
  backend: string(unbounded),
  software: boolean(),
  features: arrayOf(unchecked<string>(), unbounded),
  limits: recordOf(unchecked<number>(), { maxEntries: Number.POSITIVE_INFINITY }),
  timestampQuery: boolean(),
  key: string(unbounded),
  subgroupMinSize: unchecked(),
  subgroupMaxSize: unchecked(),
});

const failed = object({ ok: literal(false), error: helperErrorChecker });

const adapterAnswer = discriminated<"ok", AdapterAnswer>("ok", {
  true: object({ ok: literal(true), adapter: adapterSummary }),
  false: failed,
});

const runResponse = discriminated<"ok", RunResponse>("ok", {
  true: object({
    ok: literal(true),
    outputs: recordOf(arrayBuffer, { maxEntries: Number.POSITIVE_INFINITY }),
    timing: object<TimingResult>({
      method: oneOf("timestamp", "wall"),
      samplesMs: arrayOf(unchecked<number>(), unbounded),
      medianMs: unchecked(),
      minMs: unchecked(),
      maxMs: unchecked(),
    }),
    adapter: adapterSummary,
  }),
  false: failed,
});

const calibrateAnswer = discriminated<"ok", CalibrateAnswer>("ok", {
  true: object({
    ok: literal(true),
    profile: object<CalibrationProfile>({
      adapter: adapterSummary,
      measuredAt: unchecked(),
      copyBandwidthScalar: number(),
      copyBandwidthVec4: number(),
      copyBufferToBuffer: number(),
      fmaF32: number(),
      fmaF16: unchecked(),
      workgroupBandwidth: number(),
      dispatchOverheadMs: number(),
      barrierNsPerInvocation: unchecked(),
      timing: unchecked(),
    }),
  }),
  false: failed,
});

type ResultMessage = Extract<ChildMessage, { type: "result" }>;

const childMessage = taggedUnion<ChildMessage>({
  progress: object({ type: literal("progress"), id, progress: object<CalibrationProgress>({ step: string(unbounded), done: number(), total: number() }) }),
  result: discriminated<"op", ResultMessage>("op", {
    adapter: object({ type: literal("result"), id, op: literal("adapter"), answer: adapterAnswer }),
    run: object({ type: literal("result"), id, op: literal("run"), answer: runResponse }),
    calibrate: object({ type: literal("result"), id, op: literal("calibrate"), answer: calibrateAnswer }),
  }),
});

/** A malformed message: why, and its id when it has a usable one (so the sender's request can be answered). */
export interface InvalidMessage {
  readonly invalid: string;
  readonly id?: number;
}

function invalid(m: unknown, detail: string): InvalidMessage {
  const messageId = isObject(m) ? m.id : undefined;
  return is(id, messageId) ? { invalid: detail, id: messageId } : { invalid: detail };
}

/** The parent's message as received by the child, or why it is malformed. */
export function parseParentMessage(m: unknown): ParentMessage | InvalidMessage {
  const checked = check(parentMessage, m);
  return checked.ok ? checked.value : invalid(m, checked.detail);
}

/** The child's message as received by the parent, or why it is malformed. */
export function parseChildMessage(m: unknown): ChildMessage | InvalidMessage {
  const checked = check(childMessage, m);
  if (!checked.ok) return invalid(m, checked.detail);
  const message = checked.value;
  if (message.type !== "progress") return message;
  // Progress is passed on to callers: only the fields they know.
  const { step, done, total } = message.progress;
  return { type: "progress", id: message.id, progress: { step, done, total } };
}

export function helperError(kind: HelperErrorKind, message: string, extra: Partial<HelperError> = {}): HelperError {
  return { ...extra, kind, message };
}
