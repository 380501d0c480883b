// Owns the extension's one GPU helper (started on first use, disposed on deactivate) and the status item that shows its adapter.
//
// The helper is behind the `GpuHelper` interface and built by a factory, so this file neither knows nor cares how
// the helper runs; it only follows its health. The adapter is asked for once the helper says it is ready, and runs
// report the adapter (or why there is none) they saw, so the item is right without starting anything by itself.
import * as vscode from "vscode";
import { dawnMissing, isHelperError, type AdapterSummary, type CalibrationProfile, type GpuHelper, type HelperError } from "../../../server/src/engine";
import { adapterLabel, formatBytesPerSecond, formatFlops } from "./format";

export interface GpuServiceDeps {
  /** Builds the helper; called once, on first use (the helper restarts its own process after a timeout, crash or cancel). */
  createHelper(): GpuHelper;
  log: vscode.LogOutputChannel;
  /** The saved calibration of an adapter, when there is one (for the tooltip). */
  profileFor?(adapter: AdapterSummary): CalibrationProfile | undefined;
}

/** Command the item runs while the helper has not started: start it and show what it found. */
export const detectGpuCommand = "kernellens.detectGpu";


export class GpuService implements vscode.Disposable {
  private helperValue: GpuHelper | undefined;
  private readonly item: vscode.StatusBarItem;
  private state: GpuHelper["state"] = "stopped";
  private stateDetail = "";
  /** The last adapter the helper reported, or why it has none; kept across helper restarts. */
  private adapterValue: AdapterSummary | HelperError | undefined;
  private disposed = false;
  private holder: string | undefined;
  /** Why runs cannot work in this install (no Dawn in the package), known before any helper starts. */
  private readonly missingRuntime = dawnMissing();

  constructor(private readonly deps: GpuServiceDeps) {
    this.item = vscode.window.createStatusBarItem("kernellens.gpuAdapter", vscode.StatusBarAlignment.Left, 9);
    this.item.name = "KernelLens GPU Adapter";
    if (this.missingRuntime !== undefined) this.deps.log.warn(`GPU: ${this.missingRuntime}`);
    this.render();
    this.item.show();
  }

  /** The helper, started lazily: nothing spawns until a Run, Profile, Calibrate or a click on the item needs it. */
  get helper(): GpuHelper {
    if (this.disposed) throw new Error("the GPU service was disposed");
    if (!this.helperValue) {
      const helper = this.deps.createHelper();
      this.helperValue = helper;
      helper.onStateChange((state, detail) => {
        // A disposed helper may still report its own shutdown: only the current one speaks for the item.
        if (helper !== this.helperValue) return;
        this.onState(helper, state, detail);
      });
      this.deps.log.info("GPU helper created");
    }
    return this.helperValue;
  }

  /**
   * One job at a time holds the helper (a run, a profile, a calibration, a sweep): cancelling one restarts the
   * helper, which would fail another's work in flight. False, with a message naming the holder, while one is busy.
   */
  claim(what: string): boolean {
    if (this.holder) {
      void vscode.window.showInformationMessage(`KernelLens: ${this.holder} is still in progress; wait for it or cancel it.`);
      return false;
    }
    this.holder = what;
    return true;
  }

  release(): void {
    this.holder = undefined;
  }

  /** The last adapter seen (undefined before the helper has answered once). */
  get adapter(): AdapterSummary | HelperError | undefined {
    return this.adapterValue;
  }

  /** Asks the helper for its adapter (starting it if needed) and updates the item with the answer. */
  async detectAdapter(): Promise<AdapterSummary | HelperError> {
    const helper = this.helper;
    const answer = await helper.adapter();
    if (helper === this.helperValue) this.noteAdapter(answer);
    return answer;
  }

  /** Records what a run saw: its adapter, or the helper's `no-adapter` error. Other errors say nothing about the adapter. */
  noteAdapter(value: AdapterSummary | HelperError): void {
    if (isHelperError(value) && value.kind !== "no-adapter") return;
    const before = this.adapterValue;
    this.adapterValue = value;
    if (before === undefined || isHelperError(before) !== isHelperError(value) || (!isHelperError(value) && !isHelperError(before) && before.key !== value.key)) {
      this.deps.log.info(isHelperError(value) ? `GPU: no adapter: ${value.message}${value.advice ? ` (${value.advice})` : ""}` : `GPU adapter: ${adapterLabel(value)} (${value.backend}, key ${value.key})`);
    }
    this.render();
  }

  /** Redraws the item, e.g. after a calibration changed what its tooltip says. */
  refresh(): void {
    this.render();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const helper = this.helperValue;
    this.helperValue = undefined;
    try {
      helper?.dispose();
    } catch (err) {
      this.deps.log.warn(`disposing the GPU helper: ${String(err)}`);
    }
    this.item.dispose();
  }

  private onState(helper: GpuHelper, state: GpuHelper["state"], detail: string): void {
    if (state !== this.state || detail !== this.stateDetail) {
      const line = `GPU helper ${state}${detail ? `: ${detail}` : ""}`;
      if (state === "failed") this.deps.log.warn(line);
      else this.deps.log.info(line);
    }
    this.state = state;
    this.stateDetail = detail;
    this.render();
    if (state === "ready") {
      // Ready means the adapter is known to the helper: asking for it costs a message, not a start.
      helper.adapter().then(
        (answer) => {
          if (helper === this.helperValue) this.noteAdapter(answer);
        },
        (err: unknown) => this.deps.log.warn(`asking the GPU helper for its adapter: ${String(err)}`),
      );
    }
  }

  private render(): void {
    const item = this.item;
    const adapter = this.adapterValue;
    item.backgroundColor = undefined;
    if (this.missingRuntime !== undefined && (adapter === undefined || isHelperError(adapter))) {
      item.text = "$(warning) no WebGPU runtime";
      item.tooltip = markdown([`**KernelLens: no WebGPU runtime (Dawn) in this package**`, escape(this.missingRuntime), "Click to show the KernelLens output."]);
      item.command = "kernellens.showOutput";
      item.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
      return;
    }
    if (adapter !== undefined && isHelperError(adapter)) {
      item.text = "$(warning) no GPU adapter";
      item.tooltip = markdown([`**KernelLens: no WebGPU adapter**`, escape(adapter.message), adapter.advice ? escape(adapter.advice) : "", "Click to show the KernelLens output."]);
      item.command = "kernellens.showOutput";
      item.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
      return;
    }
    if (this.state === "failed" && adapter === undefined) {
      item.text = "$(warning) GPU helper";
      item.tooltip = markdown([`**KernelLens: the GPU helper failed**`, escape(this.stateDetail || "see the output for details"), "Click to show the KernelLens output."]);
      item.command = "kernellens.showOutput";
      item.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
      return;
    }
    if (adapter === undefined) {
      const starting = this.state === "starting";
      item.text = starting ? "$(sync~spin) GPU" : "$(chip) GPU";
      item.tooltip = starting
        ? "KernelLens: starting the GPU helper"
        : "KernelLens GPU helper: not started (it starts on the first Run, Profile or Calibrate). Click to find the adapter.";
      item.command = starting ? "kernellens.showOutput" : detectGpuCommand;
      return;
    }
    item.text = `${this.state === "starting" ? "$(sync~spin)" : "$(chip)"} ${adapterLabel(adapter)}`;
    const profile = this.deps.profileFor?.(adapter);
    const lines = [
      `**KernelLens GPU adapter:** ${escape(adapter.description || adapter.device || adapter.vendor)}`,
      `${escape(adapter.vendor)}${adapter.architecture ? ` · ${escape(adapter.architecture)}` : ""} · ${escape(adapter.backend)} · ${adapter.timestampQuery ? "GPU timestamps" : "wall-clock timing (no timestamp queries)"}`,
    ];
    if (adapter.software) lines.push("A CPU rasterizer: kernels run and are checked, but timings are a CPU's, not a GPU's.");
    if (this.state === "failed") lines.push(`The helper stopped (${escape(this.stateDetail)}); the next run starts it again.`);
    if (profile) {
      lines.push(`Calibrated ${escape(profile.measuredAt)}: copy ${formatBytesPerSecond(Math.max(profile.copyBandwidthScalar, profile.copyBandwidthVec4))}, FMA ${formatFlops(profile.fmaF32)}.`);
      lines.push("Click to calibrate again.");
    } else {
      lines.push("Not calibrated: click to measure its bandwidth and FLOP ceilings for the cost model.");
    }
    item.tooltip = markdown(lines);
    item.command = "kernellens.calibrate";
  }
}

function markdown(lines: readonly string[]): vscode.MarkdownString {
  return new vscode.MarkdownString(lines.filter((l) => l !== "").join("\n\n"));
}

/** Adapter names and helper messages are text, not Markdown. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, "\\$&");
}
