// The handlers of Run, Profile, Calibrate and Show Run History: from a click to a checked, timed, reported, recorded run.
//
// Every handler refuses in an untrusted workspace (a run executes the workspace's kernels, included files and
// JavaScript reference modules), runs the editor's current text (saved or not), shows cancellable progress, and
// reports a one-line result as a notification, the full numbers in the output channel, and failures that belong to
// an entry point (timeouts, compile errors, wrong outputs) as diagnostics there.
import { isAbsolute, join, resolve } from "node:path";
import * as vscode from "vscode";
import { kernelDocumentFor } from "../kernelDocument";
import { DEFAULT_DEVICE_ID, findDevice, isHelperError, type DeviceSpec, type AdapterSummary, type CalibrationProfile, type Cancellation, type HelperError, type RunKernel, type RunOptions, type RunOutcome } from "../../../server/src/engine";
import { readConfig } from "../config";
import type { ExtensionContextHolder } from "../context";
import {
  type HistoryRow,
  adapterLabel,
  calibrationReport,
  calibrationSummary,
  describeCheckFailure,
  describeError,
  historyText,
  outcomeNotificationNamed,
  outcomeReport,
  timeoutMessage,
} from "./format";
import { calibrateFirst, isCalibrationError } from "./calibrateFirst";
import type { GpuService } from "./gpuService";
import { type EntryLocation, explainRunTrust, scanComputeEntries } from "./runLenses";
import { runProgressMessage, runProgressTitle } from "./progressText";

/** The run history, as the commands need it (the storage format is history.ts's business). */
export interface RunHistoryStore {
  /** Records a run of `file` (absolute) with the source it ran, in the history of `folder`. */
  append(folder: string, file: string, mode: RunMode, outcome: RunOutcome, sourceText: string): Promise<void>;
  read(folder: string, limit: number): Promise<HistoryRow[]>;
}

/** Saved calibration profiles, as the commands need them. */
export interface ProfileStore {
  /** Saves a profile; resolves to the id of the measured device the cost model can now use. */
  save(profile: CalibrationProfile): Promise<{ deviceId: string; path?: string }>;
  /** The measured device of an adapter, when it has been calibrated. */
  deviceFor(adapter: AdapterSummary): DeviceSpec | undefined;
  /** Every measured device, so `kernellens.device` may name one. */
  measuredDevices(): DeviceSpec[];
}

export interface RunCommandDeps {
  readonly holder: ExtensionContextHolder;
  readonly gpu: GpuService;
  readonly runKernel: RunKernel;
  readonly history: RunHistoryStore;
  readonly profiles: ProfileStore;
  /** Asks the server for the compute entry points of a document (undefined while it is not running). */
  entries(document: vscode.TextDocument, token?: vscode.CancellationToken): Promise<EntryLocation[] | undefined>;
}

export type RunMode = "run" | "profile";

/** A VS Code cancellation token seen through the `Cancellation` interface every layer of a run understands. */
export function cancellationOf(token: vscode.CancellationToken): Cancellation & vscode.Disposable {
  const listeners: (() => void)[] = [];
  let cancelled = token.isCancellationRequested;
  const subscription = token.onCancellationRequested(() => {
    if (cancelled) return;
    cancelled = true;
    for (const listener of listeners.splice(0)) {
      try {
        listener();
      } catch {
        // A listener's failure must not keep the others from hearing about the cancel.
      }
    }
  });
  return {
    get cancelled() {
      return cancelled;
    },
    onCancel(listener: () => void) {
      if (cancelled) listener();
      else listeners.push(listener);
    },
    dispose() {
      subscription.dispose();
    },
  };
}



/** Files ending in `.wgsl` whose language VS Code has not settled yet still count as kernels. */

/** Diagnostics for failures that belong to an entry point; each entry's are replaced by its next run. */
class RunDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection("kernellens-run");
  private readonly byDocument = new Map<string, Map<string, readonly vscode.Diagnostic[]>>();

  update(document: vscode.TextDocument, entry: string, diagnostics: readonly vscode.Diagnostic[]): void {
    const key = document.uri.toString();
    const entries = this.byDocument.get(key) ?? new Map<string, readonly vscode.Diagnostic[]>();
    if (diagnostics.length > 0) entries.set(entry, diagnostics);
    else entries.delete(entry);
    if (entries.size === 0) this.byDocument.delete(key);
    else this.byDocument.set(key, entries);
    this.collection.set(document.uri, [...entries.values()].flat());
  }

  dispose(): void {
    this.collection.dispose();
  }
}

/**
 * Where a run's failure goes: the line a compile or plan error names (already mapped to the kernel file by the
 * runner), else the entry point. An error inside an included file is shown at the entry point, which is in this file.
 */
function failureRange(outcome: RunOutcome, document: vscode.TextDocument, entryRange: vscode.Range): vscode.Range {
  const e = outcome.error;
  if (!e || e.line === undefined || e.line < 1 || e.line > document.lineCount || /in included file/.test(e.message)) return entryRange;
  const line = document.lineAt(e.line - 1);
  const start = Math.min(Math.max(0, (e.column ?? 1) - 1), line.text.length);
  // Underline from the column to the end of its word, or the whole line when the column points at nothing.
  const word = document.getWordRangeAtPosition(new vscode.Position(e.line - 1, start));
  return word ?? new vscode.Range(e.line - 1, line.firstNonWhitespaceCharacterIndex, e.line - 1, line.text.length);
}

/** The diagnostic a finished run leaves in the file: none when it passed or could not start for reasons of the machine. */
function diagnosticFor(outcome: RunOutcome, range: vscode.Range, timeoutMs: number): vscode.Diagnostic | undefined {
  let message: string | undefined;
  if (outcome.status === "timeout") {
    // Only one run past its own deadline hints at an endless loop (format.ts decides the words).
    message = timeoutMessage(outcome.entry, outcome.error, timeoutMs);
  } else if (outcome.status === "failed") {
    // Out-of-bounds accesses get diagnostics of their own, at their lines (boundsDiagnostics).
    const failed = outcome.checks.filter((c) => !c.passed);
    if (failed.length > 0) message = `${outcome.entry} ran, but its outputs are wrong: ${failed.map((c) => describeCheckFailure(c)).join("; ")}`;
  } else if (outcome.status === "error" && outcome.error) {
    const kind = outcome.error.kind;
    // Machine trouble (no adapter, a crash, a cancel) says nothing about the kernel: no squiggle for those.
    if (kind === "compile" || kind === "validation" || kind === "limits" || kind === "out-of-memory" || kind === "timeout") {
      message = `${outcome.entry}: ${describeError(outcome.error, timeoutMs)}`;
    }
  }
  if (!message) return undefined;
  const diagnostic = new vscode.Diagnostic(range, message, vscode.DiagnosticSeverity.Error);
  diagnostic.source = "KernelLens run";
  diagnostic.code = outcome.status === "error" ? `run-${outcome.error?.kind ?? "error"}` : `run-${outcome.status}`;
  return diagnostic;
}

/** One error per out-of-bounds access a checked run found, on the access itself (an included file's: on its #include). */
function boundsDiagnostics(outcome: RunOutcome, document: vscode.TextDocument): vscode.Diagnostic[] {
  return (outcome.bounds?.violations ?? []).map((v) => {
    const line = Math.min(Math.max(0, v.line - 1), document.lineCount - 1);
    const text = document.lineAt(line).text;
    const inLine = v.endLine === v.line && v.endColumn > v.column && !v.included;
    const range = inLine
      ? new vscode.Range(line, Math.min(v.column - 1, text.length), line, Math.min(v.endColumn - 1, text.length))
      : new vscode.Range(line, document.lineAt(line).firstNonWhitespaceCharacterIndex, line, text.length);
    const diagnostic = new vscode.Diagnostic(range, `${outcome.entry}: ${v.message}`, vscode.DiagnosticSeverity.Error);
    diagnostic.source = "KernelLens run";
    diagnostic.code = "run-out-of-bounds";
    return diagnostic;
  });
}

/** Runs, profiles and calibrations: one at a time, since they share one helper and one device. */
export class RunCommands implements vscode.Disposable {
  private readonly diagnostics = new RunDiagnostics();
  /** Adapters whose automatic calibration was cancelled or failed in this window: not tried again until Calibrate. */
  private readonly calibrationSkipped = new Set<string>();

  constructor(private readonly deps: RunCommandDeps) {}

  dispose(): void {
    this.diagnostics.dispose();
  }

  private get output(): vscode.LogOutputChannel {
    return this.deps.holder.output;
  }

  /** Refuses in an untrusted workspace, with the reason and a way to change it. */
  private trusted(): boolean {
    if (vscode.workspace.isTrusted) return true;
    void explainRunTrust();
    return false;
  }

  /** Refuses while another job (a run, a calibration, a sweep) holds the helper. */
  private claim(what: string): boolean {
    return this.deps.gpu.claim(what);
  }

  /** `kernellens.run` / `kernellens.profile`: arguments `[uri, entryName]` from a lens, none from the palette. */
  async run(mode: RunMode, uriArg?: unknown, entryArg?: unknown): Promise<void> {
    if (!this.trusted()) return;
    const target = await this.target(uriArg, entryArg);
    if (!target) return;
    const { document, entry } = target;
    const verb = mode === "profile" ? "profiling" : "running";
    if (!this.claim(`${verb} ${entry}`)) return;
    try {
      await this.runEntry(mode, document, entry);
    } finally {
      this.deps.gpu.release();
    }
  }

  private async runEntry(mode: RunMode, document: vscode.TextDocument, entry: string): Promise<void> {
    const config = readConfig(document.uri); // per document: a folder may set its own timeout
    const folder = vscode.workspace.getWorkspaceFolder(document.uri) ?? vscode.workspace.workspaceFolders?.[0];
    const file = document.uri.scheme === "file" ? document.uri.fsPath : join(folder?.uri.fsPath ?? process.cwd(), document.fileName.split(/[\\/]/).pop() || "untitled.wgsl");
    const relative = vscode.workspace.asRelativePath(document.uri, false);
    const repeat = mode === "profile" ? config.profileRepeat : config.runRepeat;
    const rotateInputs = mode === "profile" ? config.profileRotateInputs : 1;
    // Relative include folders are the workspace folder's, as the setting's description says.
    const includePaths = config.includePaths.map((p) => (isAbsolute(p) || !folder ? p : resolve(folder.uri.fsPath, p)));
    const text = document.getText(); // the editor's text: a run never depends on whether the file was saved
    let device: { spec: DeviceSpec; measured: boolean } | undefined;
    let adapterError: HelperError | undefined;

    const outcomes = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: runProgressTitle(mode, entry), cancellable: true },
      async (progress, token): Promise<RunOutcome[] | undefined> => {
        // The helper kills its child on cancel (a dispatch cannot be interrupted) and starts a fresh one next time.
        const cancel = cancellationOf(token);
        try {
          progress.report({ message: this.deps.gpu.helper.state === "ready" ? "preparing" : "starting the GPU helper" });
          const adapter = await this.deps.gpu.detectAdapter();
          if (cancel.cancelled) return undefined;
          if (isHelperError(adapter)) {
            adapterError = adapter;
            return undefined;
          }
          // A measurement is compared only with its own adapter's calibration: made here the first time (about 2 s).
          if (!this.deps.profiles.deviceFor(adapter) && !this.calibrationSkipped.has(adapter.key)) {
            progress.report({ message: `calibrating ${adapterLabel(adapter)} first (its first run)` });
            await calibrateFirst({ gpu: this.deps.gpu, profiles: this.deps.profiles, output: this.output, skipped: this.calibrationSkipped }, adapter, cancel, "run");
            if (cancel.cancelled) return undefined;
          }
          device = this.predictionDevice(adapter, config.device);
          const options: RunOptions = {
            file,
            text,
            entry,
            warmup: config.runWarmup,
            repeat,
            timeoutMs: config.runTimeoutMs,
            defines: config.defines,
            includePaths,
            rotateInputs,
            device: device?.spec,
            allowWorkspaceCode: vscode.workspace.isTrusted,
            // A Run checks every array index in an extra untimed run (kernellens.run.boundsCheck); a Profile only times.
            boundsCheck: mode === "run" && config.runBoundsCheck,
          };
          let reported = 0;
          return await this.deps.runKernel(this.deps.gpu.helper, options, cancel, (message, fraction, step) => {
            const percent = Math.max(0, Math.min(100, fraction * 100));
            // The title already says "running <entry>": the message is the step alone (progressText.ts).
            progress.report({ message: runProgressMessage(message, step), increment: Math.max(0, percent - reported) });
            reported = Math.max(reported, percent);
          });
        } finally {
          cancel.dispose();
        }
      },
    ).then(
      (value) => value,
      (err: unknown) => {
        this.output.error(`${mode} ${entry} in ${relative}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        void this.notify("error", `KernelLens: ${mode === "profile" ? "profiling" : "running"} ${entry} failed: ${err instanceof Error ? err.message : String(err)}`);
        return null;
      },
    );
    if (outcomes === null) return;

    if (adapterError) {
      this.deps.gpu.noteAdapter(adapterError);
      this.output.error(`${mode} ${entry}: ${describeError(adapterError, undefined)}${adapterError.advice ? `\n  advice: ${adapterError.advice}` : ""}`);
      void this.notify("error", `KernelLens: ${entry} cannot run: ${describeError(adapterError, undefined)}${adapterError.advice ? ` ${adapterError.advice}` : ""}`);
      return;
    }
    if (!outcomes) {
      void vscode.window.setStatusBarMessage(`KernelLens: ${entry}: cancelled`, 4000);
      return;
    }

    const entryRanges = scanComputeEntries(document);
    // A problem with the whole file (a directive error, say) comes back without an entry name: it is about this one.
    for (const outcome of outcomes.map((o) => (o.entry ? o : { ...o, entry }))) {
      if (outcome.adapter) this.deps.gpu.noteAdapter(outcome.adapter);
      else if (outcome.error?.kind === "no-adapter") this.deps.gpu.noteAdapter(outcome.error);
      const cancelled = outcome.error?.kind === "cancelled";
      if (cancelled) {
        // Cancelling is the person's own doing: a line in the log and the status bar, nothing that looks like a failure.
        this.output.info(`${mode === "profile" ? "Profile" : "Run"} ${outcome.entry} in ${relative}: cancelled`);
        void vscode.window.setStatusBarMessage(`KernelLens: ${outcome.entry}: cancelled`, 4000);
        continue;
      }
      const report = outcomeReport(outcome, {
        file: relative,
        mode,
        warmup: config.runWarmup,
        repeat,
        rotateInputs,
        timeoutMs: config.runTimeoutMs,
        deviceName: device?.spec.name,
        deviceMeasured: device?.measured,
      });
      if (outcome.status === "passed") this.output.info(report);
      else if (outcome.status === "error") this.output.error(report);
      else this.output.warn(report);

      const at = entryRanges.find((e) => e.name === outcome.entry)?.range ?? new vscode.Range(0, 0, 0, 0);
      const atEntry = diagnosticFor(outcome, failureRange(outcome, document, at), config.runTimeoutMs);
      this.diagnostics.update(document, outcome.entry, [...(atEntry ? [atEntry] : []), ...boundsDiagnostics(outcome, document)]);
      if (folder) {
        this.deps.history.append(folder.uri.fsPath, file, mode, outcome, text).catch((err: unknown) => this.output.warn(`run history: could not record ${outcome.entry}: ${String(err)}`));
      }
      // A measured device is named after the adapter it measured; its full name holds the driver's whole description.
      const namer = (id: string): string | undefined =>
        device && device.spec.id === id ? (device.measured && outcome.adapter ? `measured ${adapterLabel(outcome.adapter)}` : device.spec.name) : undefined;
      const line = outcomeNotificationNamed(outcome, namer, config.runTimeoutMs, mode === "profile");
      // A profile's line says how many runs it timed, which is what tells it from a run's.
      void this.notify(line.severity, line.text);
    }
  }



  /**
   * The device the model's prediction is for: this adapter's calibration when there is one (the only prediction a
   * run is compared with), else the setting's device, shown as not comparable (runKernel decides, by adapter key).
   */
  private predictionDevice(adapter: AdapterSummary, configured: string): { spec: DeviceSpec; measured: boolean } | undefined {
    const measured = this.deps.profiles.deviceFor(adapter);
    if (measured) return { spec: measured, measured: true };
    const spec = findDevice(configured, this.deps.profiles.measuredDevices()) ?? findDevice(DEFAULT_DEVICE_ID);
    if (!spec) return undefined;
    if (spec.id !== configured) this.output.warn(`kernellens.device "${configured}" is not a known device; predicting for ${spec.name}`);
    return { spec, measured: spec.vendor === "measured" };
  }

  /** The document and entry point a command is about: the lens's arguments, or the active editor and a pick. */
  private async target(uriArg: unknown, entryArg: unknown): Promise<{ document: vscode.TextDocument; entry: string } | undefined> {
    const document = await kernelDocumentFor(uriArg);
    if (!document) {
      void vscode.window.showInformationMessage("KernelLens: open a WGSL file to run its kernels.");
      return undefined;
    }
    if (typeof entryArg === "string" && entryArg !== "") return { document, entry: entryArg };
    const entries = (await this.deps.entries(document).catch(() => undefined)) ?? scanComputeEntries(document);
    if (entries.length === 0) {
      void vscode.window.showInformationMessage(`KernelLens: ${vscode.workspace.asRelativePath(document.uri, false)} has no compute entry point to run.`);
      return undefined;
    }
    if (entries.length === 1) return { document, entry: entries[0]!.name };
    const picked = await vscode.window.showQuickPick(
      entries.map((e) => ({ label: e.name, description: `line ${e.range.start.line + 1}` })),
      { placeHolder: "Which entry point?" },
    );
    return picked ? { document, entry: picked.label } : undefined;
  }

  /** `kernellens.calibrate`: measures the adapter's ceilings, saves them as a device, and offers it to the cost model. */
  async calibrate(): Promise<void> {
    if (!this.trusted()) return;
    if (!this.claim("a calibration")) return;
    try {
      await this.calibrateNow();
    } finally {
      this.deps.gpu.release();
    }
  }

  private async calibrateNow(): Promise<void> {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: "KernelLens: calibrating", cancellable: true },
      async (progress, token): Promise<CalibrationProfile | HelperError | undefined> => {
        const cancel = cancellationOf(token);
        try {
          progress.report({ message: "starting the GPU helper" });
          const adapter = await this.deps.gpu.detectAdapter();
          if (cancel.cancelled) return undefined;
          if (isHelperError(adapter)) return adapter;
          progress.report({ message: adapterLabel(adapter) });
          let reported = 0;
          return await this.deps.gpu.helper.calibrate((p) => {
            const percent = p.total > 0 ? (100 * p.done) / p.total : 0;
            progress.report({ message: `${p.step} (${p.done + 1 > p.total ? p.total : p.done + 1}/${p.total})`, increment: Math.max(0, percent - reported) });
            reported = Math.max(reported, percent);
          }, cancel);
        } finally {
          cancel.dispose();
        }
      },
    ).then(
      (value) => value,
      (err: unknown): HelperError => {
        this.output.error(`calibration: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return { kind: "internal", message: err instanceof Error ? err.message : String(err) };
      },
    );
    if (result === undefined || (isCalibrationError(result) && result.kind === "cancelled")) {
      void vscode.window.setStatusBarMessage("KernelLens: calibration cancelled", 4000);
      return;
    }
    if (isCalibrationError(result)) {
      if (result.kind === "no-adapter") this.deps.gpu.noteAdapter(result);
      this.output.error(`calibration failed: ${describeError(result, undefined)}${result.advice ? `\n  advice: ${result.advice}` : ""}`);
      void this.notify("error", `KernelLens: calibration failed: ${describeError(result, undefined)}`);
      return;
    }

    let saved: { deviceId: string; path?: string };
    try {
      saved = await this.deps.profiles.save(result);
    } catch (err) {
      this.output.error(`calibration: could not save the profile: ${String(err)}`);
      this.output.info(calibrationReport(result, undefined));
      void this.notify("error", `KernelLens: calibrated, but the profile could not be saved: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.deps.gpu.noteAdapter(result.adapter);
    this.deps.gpu.refresh();
    this.output.info(`${calibrationReport(result, saved.deviceId)}${saved.path ? `\n  saved to ${saved.path}` : ""}`);

    const config = readConfig();
    const current = config.device;
    const use = "Use for the Cost Model";
    const actions = current === saved.deviceId ? ["Show Output"] : [use, "Show Output"];
    // Runs compare with the measurement at once (predictionDevice prefers it); the lenses and hovers follow the setting.
    this.calibrationSkipped.delete(result.adapter.key);
    const more =
      current === saved.deviceId
        ? " Runs and the cost model use the measured device."
        : " Runs on this adapter now compare with the measured device; the cost model can use it too.";
    const choice = await vscode.window.showInformationMessage(`KernelLens: ${calibrationSummary(result)}.${more}`, ...actions);
    if (choice === "Show Output") this.output.show(true);
    else if (choice === use) {
      // The profile describes this machine: a user setting, unless a workspace setting would hide it.
      const where = await config.updateDevice(saved.deviceId);
      this.output.info(`kernellens.device set to ${saved.deviceId} (${where} settings)`);
      void vscode.window.setStatusBarMessage(`KernelLens: the cost model now uses the measured ${adapterLabel(result.adapter)}`, 4000);
    }
  }

  /** `kernellens.showRunHistory`: the workspace folder's run history as a read-only document, newest first. */
  async showHistory(provider: RunHistoryDocuments): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
      void vscode.window.showInformationMessage("KernelLens: the run history lives in a workspace folder; open a folder first.");
      return;
    }
    // The active file's folder when there is one; otherwise ask, since each folder keeps its own history.
    const active = vscode.window.activeTextEditor?.document.uri;
    let folder = (active && vscode.workspace.getWorkspaceFolder(active)) || (folders.length === 1 ? folders[0] : undefined);
    folder ??= await vscode.window.showWorkspaceFolderPick({ placeHolder: "Run history of which folder?" });
    if (!folder) return;
    const uri = provider.uriFor(folder.uri.fsPath);
    provider.refresh(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true });
  }

  /** A notification with a Show Output button; resolves once it is dismissed or the button pressed. */
  private async notify(severity: "info" | "warning" | "error", text: string): Promise<void> {
    const show = severity === "info" ? vscode.window.showInformationMessage : severity === "warning" ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
    const choice = await show(text, "Show Output");
    if (choice === "Show Output") this.output.show(true);
  }
}


/** Serves `kernellens-history:` documents: read-only views of a folder's run history, rendered on each open. */
export class RunHistoryDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  static readonly scheme = "kernellens-history";
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly history: RunHistoryStore,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  uriFor(folder: string): vscode.Uri {
    const name = folder.split(/[\\/]/).filter(Boolean).pop() ?? "workspace";
    return vscode.Uri.from({ scheme: RunHistoryDocuments.scheme, path: `/${name} run history.txt`, query: new URLSearchParams({ folder }).toString() });
  }

  refresh(uri: vscode.Uri): void {
    this.changed.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const folder = new URLSearchParams(uri.query).get("folder");
    if (!folder) return "No folder given.";
    try {
      return historyText(folder, await this.history.read(folder, 500));
    } catch (err) {
      this.log.warn(`run history: could not read ${folder}: ${String(err)}`);
      return `The run history of ${folder} could not be read: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
