// The automatic calibration before the first run, profile or sweep on an adapter: a measurement is only compared
// with (and a sweep only guided by) the model of the adapter that measures, which is its calibration profile.
import * as vscode from "vscode";
import { type AdapterSummary, type CalibrationProfile, type Cancellation, type HelperError } from "../../../server/src/engine";
import { adapterLabel, calibrationReport, describeError } from "./format";
import type { GpuService } from "./gpuService";
import type { ProfileStore } from "./runCommands";

export interface CalibrateFirstDeps {
  readonly gpu: GpuService;
  readonly profiles: ProfileStore;
  readonly output: vscode.LogOutputChannel;
  /** Adapters whose automatic calibration was cancelled or failed in this window: not tried again until Calibrate. */
  readonly skipped: Set<string>;
}

/** Cancelled when either is: a calibration made for a run stops when the run is cancelled, or by its own button. */
export function eitherCancelled(a: Cancellation, b: Cancellation): Cancellation {
  return {
    get cancelled() {
      return a.cancelled || b.cancelled;
    },
    onCancel(listener: () => void) {
      let heard = false;
      const once = (): void => {
        if (heard) return;
        heard = true;
        listener();
      };
      a.onCancel(once);
      b.onCancel(once);
    },
  };
}

/** A calibration's failure (a profile also has a `kind`: it is the one with an adapter). */
export function isCalibrationError(value: CalibrationProfile | HelperError): value is HelperError {
  return "kind" in value && !("adapter" in value);
}

/**
 * Calibrates `adapter` (about 2 s) when it has no profile and no earlier attempt in this window failed, in a
 * notification of its own whose Cancel skips the calibration (the job goes on and says its predictions are not the
 * adapter's); cancelling the job stops it too. Resolves to whether the adapter now has a profile.
 */
export async function calibrateFirst(deps: CalibrateFirstDeps, adapter: AdapterSummary, jobCancel: Cancellation, job: "run" | "sweep"): Promise<boolean> {
  if (deps.profiles.deviceFor(adapter)) return true;
  if (deps.skipped.has(adapter.key)) return false;
  const label = adapterLabel(adapter);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `KernelLens: calibrating ${label} (first ${job} on this adapter, about 2 s)`, cancellable: true },
    async (progress, token): Promise<CalibrationProfile | HelperError> => {
      const own = new vscode.CancellationTokenSource();
      const sub = token.onCancellationRequested(() => own.cancel());
      const cancel: Cancellation = { get cancelled() { return own.token.isCancellationRequested; }, onCancel: (l) => void own.token.onCancellationRequested(l) };
      try {
        let reported = 0;
        return await deps.gpu.helper.calibrate((p) => {
          const percent = p.total > 0 ? (100 * p.done) / p.total : 0;
          progress.report({ message: `${p.step} (${Math.min(p.done + 1, p.total)}/${p.total})`, increment: Math.max(0, percent - reported) });
          reported = Math.max(reported, percent);
        }, eitherCancelled(cancel, jobCancel));
      } finally {
        sub.dispose();
        own.dispose();
      }
    },
  ).then(
    (value) => value,
    (err: unknown): HelperError => ({ kind: "internal", message: err instanceof Error ? err.message : String(err) }),
  );
  const what = job === "run" ? "runs on it are not compared with the model" : "sweeps on it are guided by the kernellens.device model, not this adapter's";
  if (isCalibrationError(result)) {
    deps.skipped.add(adapter.key);
    if (jobCancel.cancelled) return false;
    const why = result.kind === "cancelled" ? "cancelled" : `failed: ${describeError(result, undefined)}`;
    deps.output.warn(`automatic calibration of ${label} ${why}; ${what} until it is calibrated (KernelLens: Calibrate)`);
    void vscode.window.setStatusBarMessage(`KernelLens: calibration of ${label} ${result.kind === "cancelled" ? "cancelled" : "failed"}: ${what}`, 5000);
    return false;
  }
  try {
    const saved = await deps.profiles.save(result);
    deps.gpu.noteAdapter(result.adapter);
    deps.gpu.refresh();
    const used = job === "run" ? "runs on it are compared with it" : "sweeps on it are guided by it";
    deps.output.info(`${calibrationReport(result, saved.deviceId)}${saved.path ? `\n  saved to ${saved.path}` : ""}\n  (made automatically before the first ${job} on this adapter; ${used})`);
    return true;
  } catch (err) {
    deps.skipped.add(adapter.key);
    deps.output.error(`automatic calibration of ${label}: the profile could not be saved: ${String(err)}`);
    return false;
  }
}
