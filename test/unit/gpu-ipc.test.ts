// Unit tests for the GPU helper's IPC messages (server/src/gpu/ipc.ts): what each side accepts, and the reason and
// the id it gives for what it refuses, so the sender's request can still be answered.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseChildMessage, parseParentMessage } from "../../server/src/gpu/ipc";
import type { AdapterSummary, RunRequest } from "../../server/src/gpu/types";

const adapter: AdapterSummary = {
  vendor: "mesa",
  architecture: "",
  device: "llvmpipe",
  description: "llvmpipe (LLVM 15)",
  backend: "vulkan",
  software: true,
  features: ["timestamp-query"],
  limits: { maxStorageBufferBindingSize: 1 << 27 },
  timestampQuery: true,
  key: "vulkan-mesa-llvmpipe",
};

const request: RunRequest = {
  code: "@compute @workgroup_size(1) fn main() {}",
  entryPoint: "main",
  constants: { N: 64 },
  buffers: [
    { name: "x", group: 0, binding: 0, sizeBytes: 16, kind: "storage-read", data: new ArrayBuffer(16), readBack: false },
    { name: "y", group: 0, binding: 1, sizeBytes: 16, kind: "storage-read-write", poison: 0xdeadbeef, readBack: true },
  ],
  dispatch: [1, 1, 1],
  warmup: 1,
  repeat: 3,
  timeoutMs: 20_000,
};

function invalid(result: object): { invalid: string; id?: number } {
  assert.ok("invalid" in result, `expected a malformed message, got ${JSON.stringify(result)}`);
  return result as { invalid: string; id?: number };
}

describe("parent -> child messages", () => {
  it("accepts every request", () => {
    for (const m of [{ type: "adapter", id: 1 }, { type: "calibrate", id: 2 }, { type: "cancel", id: 3 }, { type: "run", id: 4, request }]) {
      assert.deepEqual(parseParentMessage(m), m);
    }
    assert.ok(!("invalid" in parseParentMessage({ type: "run", id: 5, request: { ...request, rotateInputs: 2 } })));
  });

  it("refuses a malformed run request with its reason and the request's id", () => {
    assert.deepEqual(invalid(parseParentMessage({ type: "run", id: 7, request: { ...request, repeat: 0 } })), { invalid: "message.request.repeat must be a positive integer", id: 7 });
    const texture = { ...request, buffers: [{ ...request.buffers[0]!, kind: "texture" }] };
    assert.equal(invalid(parseParentMessage({ type: "run", id: 7, request: texture })).invalid, "message.request.buffers[0] (x): kind must be one of storage-read, storage-read-write, uniform");
    const cases: [Partial<Record<keyof RunRequest, unknown>>, string][] = [
      [{ entryPoint: "" }, "message.request.entryPoint: expected at least 1 characters, got 0"],
      [{ constants: { N: "64" } }, 'message.request.constants.N: expected a number, got "64"'],
      [{ dispatch: [1, 1] }, "message.request.dispatch: expected 3 elements, got 2"],
      [{ dispatch: [1, -1, 1] }, "message.request.dispatch[1]: -1 is below the minimum 0"],
      [{ timeoutMs: 0 }, "message.request.timeoutMs: 0 is not above 0"],
      [{ rotateInputs: 0 }, "message.request.rotateInputs: 0 is below the minimum 1"],
      [{ buffers: [{ ...request.buffers[1]!, poison: 2 ** 32 }] }, "message.request.buffers[0] (y): poison: 4294967296 is above the maximum 4294967295"],
      [{ buffers: [{ ...request.buffers[0]!, data: [1, 2] }] }, "message.request.buffers[0] (x): data: expected an ArrayBuffer, got an array of 2"],
      [{ buffers: [5] }, "message.request.buffers[0]: expected an object, got 5"],
    ];
    for (const [change, why] of cases) assert.deepEqual(invalid(parseParentMessage({ type: "run", id: 8, request: { ...request, ...change } })), { invalid: why, id: 8 });
  });

  it("gives no id when the message has no usable one", () => {
    assert.deepEqual(invalid(parseParentMessage({ type: "adapter", id: -1 })), { invalid: "message.id: -1 is below the minimum 0" });
    assert.deepEqual(invalid(parseParentMessage("adapter")), { invalid: 'message: expected an object, got "adapter"' });
    assert.deepEqual(invalid(parseParentMessage({ type: "reboot", id: 3 })), { invalid: 'message.type: expected one of "adapter", "run", "calibrate", "cancel", got "reboot"', id: 3 });
  });
});

describe("child -> parent messages", () => {
  const timing = { method: "timestamp", samplesMs: [1, 2, 3], medianMs: 2, minMs: 1, maxMs: 3 };
  const profile = { adapter, measuredAt: "2025-01-01T00:00:00Z", copyBandwidthScalar: 1e11, copyBandwidthVec4: 1.2e11, copyBufferToBuffer: 1e11, fmaF32: 1e12, workgroupBandwidth: 1e12, dispatchOverheadMs: 0.01, timing: "wall" };
  const error = { kind: "compile", message: "bad", line: 3, column: 1 };

  it("accepts progress (passing on only its known fields) and every kind of result", () => {
    assert.deepEqual(parseChildMessage({ type: "progress", id: 1, progress: { step: "copy", done: 1, total: 4, extra: true } }), { type: "progress", id: 1, progress: { step: "copy", done: 1, total: 4 } });
    const results = [
      { type: "result", id: 2, op: "adapter", answer: { ok: true, adapter } },
      { type: "result", id: 2, op: "adapter", answer: { ok: false, error: { kind: "no-adapter", message: "none", advice: "install" } } },
      { type: "result", id: 3, op: "run", answer: { ok: true, outputs: { y: new ArrayBuffer(16) }, timing, adapter } },
      { type: "result", id: 3, op: "run", answer: { ok: false, error } },
      { type: "result", id: 4, op: "calibrate", answer: { ok: true, profile } },
      { type: "result", id: 4, op: "calibrate", answer: { ok: false, error } },
    ];
    for (const m of results) assert.equal(parseChildMessage(m), m);
  });

  it("refuses a malformed result with its reason and the request's id", () => {
    const cases: [unknown, string][] = [
      [{ type: "result", id: 3, op: "run", answer: { ok: "yes" } }, "message.answer.ok: expected one of true, false, got \"yes\""],
      [{ type: "result", id: 3, op: "run", answer: { ok: true, outputs: { y: [0] }, timing, adapter } }, "message.answer.outputs.y: expected an ArrayBuffer, got an array of 1"],
      [{ type: "result", id: 3, op: "run", answer: { ok: true, outputs: {}, timing: { ...timing, method: "guess" }, adapter } }, 'message.answer.timing.method: expected one of "timestamp", "wall", got "guess"'],
      [{ type: "result", id: 3, op: "run", answer: { ok: false, error: { kind: "oops", message: "x" } } }, 'message.answer.error.kind: expected one of "no-adapter", "compile", "validation", "limits", "out-of-memory", "timeout", "crash", "cancelled", "internal", got "oops"'],
      [{ type: "result", id: 3, op: "adapter", answer: { ok: true, adapter: { ...adapter, software: "yes" } } }, 'message.answer.adapter.software: expected true or false, got "yes"'],
      [{ type: "result", id: 3, op: "calibrate", answer: { ok: true, profile: { ...profile, fmaF32: null } } }, "message.answer.profile.fmaF32: expected a number, got null"],
      [{ type: "result", id: 3, op: "compile", answer: { ok: false, error } }, 'message.op: expected one of "adapter", "run", "calibrate", got "compile"'],
      [{ type: "progress", id: 3, progress: { step: "copy", done: 1 } }, "message.progress.total: expected a number, got nothing"],
    ];
    for (const [m, why] of cases) assert.deepEqual(invalid(parseChildMessage(m)), { invalid: why, id: 3 });
  });
});
