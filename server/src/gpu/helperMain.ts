// Entry point of the GPU helper child process: answers adapter, run and calibrate requests over Node's IPC channel.
//
// Only the IPC channel carries messages: Dawn prints to stdout, which the parent ignores. Requests are handled one at
// a time, in order. The device is opened as soon as the process starts, so the first request finds it ready. When
// the channel closes (the parent exited or let go of us) the process kills itself at once: a graceful exit could
// block forever in Dawn's teardown behind a kernel that never ends.
import { gpuContext } from "./adapters";
import { CalibrationCancelled, calibrate } from "./calibrate";
import { type ChildMessage, type ParentMessage, helperError, parseParentMessage } from "./ipc";
import { runKernel } from "./runner";
import type { HelperError } from "./types";

function send(message: ChildMessage): void {
  try {
    process.send?.(message);
  } catch (err) {
    process.stderr.write(`gpu helper: could not answer: ${(err as Error).message}\n`);
  }
}

/** Ids the parent cancelled: the one running (checked between dispatches and steps) or ones not started yet. */
const cancelled = new Set<number>();

async function handle(m: Exclude<ParentMessage, { type: "cancel" }>): Promise<void> {
  const isCancelled = (): boolean => cancelled.has(m.id);
  const failWith = (error: HelperError): void => {
    if (m.type === "adapter") send({ type: "result", id: m.id, op: "adapter", answer: { ok: false, error } });
    else if (m.type === "run") send({ type: "result", id: m.id, op: "run", answer: { ok: false, error } });
    else send({ type: "result", id: m.id, op: "calibrate", answer: { ok: false, error } });
  };
  try {
    if (isCancelled()) return failWith(helperError("cancelled", "cancelled"));
    const ctx = await gpuContext();
    if ("kind" in ctx) return failWith(ctx);
    switch (m.type) {
      case "adapter":
        send({ type: "result", id: m.id, op: "adapter", answer: { ok: true, adapter: ctx.summary } });
        return;
      case "run":
        send({ type: "result", id: m.id, op: "run", answer: await runKernel(ctx, m.request, { cancelled: isCancelled, progress: (progress) => send({ type: "progress", id: m.id, progress }) }) });
        return;
      case "calibrate": {
        const profile = await calibrate(ctx, { cancelled: isCancelled, progress: (progress) => send({ type: "progress", id: m.id, progress }) });
        send({ type: "result", id: m.id, op: "calibrate", answer: { ok: true, profile } });
        return;
      }
    }
  } catch (err) {
    if (err instanceof CalibrationCancelled) return failWith(helperError("cancelled", "cancelled"));
    failWith(helperError("internal", `the GPU helper failed: ${(err as Error).stack ?? String(err)}`));
  } finally {
    cancelled.delete(m.id);
  }
}

function main(): void {
  if (!process.send) {
    process.stderr.write("the KernelLens GPU helper must be started by KernelLens (it talks over an IPC channel)\n");
    process.exit(2);
  }
  process.on("disconnect", () => process.kill(process.pid, "SIGKILL"));
  let queue: Promise<void> = Promise.resolve();
  process.on("message", (raw: unknown) => {
    const m = parseParentMessage(raw);
    if ("invalid" in m) {
      process.stderr.write(`gpu helper: ignored a message: ${m.invalid}\n`);
      const type = (raw as { type?: unknown } | null)?.type;
      if (m.id !== undefined && (type === "adapter" || type === "run" || type === "calibrate")) {
        const error = helperError("internal", m.invalid);
        if (type === "adapter") send({ type: "result", id: m.id, op: "adapter", answer: { ok: false, error } });
        else if (type === "run") send({ type: "result", id: m.id, op: "run", answer: { ok: false, error } });
        else send({ type: "result", id: m.id, op: "calibrate", answer: { ok: false, error } });
      }
      return;
    }
    if (m.type === "cancel") {
      cancelled.add(m.id);
      return;
    }
    queue = queue.then(() => handle(m));
  });
  // Open the device while the parent is still sending its first request.
  void gpuContext();
}

main();
