// `kernellens.sweep` (the Sweep lens) and `kernellens.clearSweepCache`: from a click to a result file in the
// Design-space view, with cancellable progress ("timing 3/12: TILE=16, ...").
//
// A sweep runs the editor's text (saved or not; nothing is saved), refuses in an untrusted workspace, and keeps what
// it measured when cancelled: that result is written and shown like any other. Problems with the `@sweep` lines are
// marked where they are written; a missing adapter says what to install.
import { isAbsolute, join, resolve } from "node:path";
import * as vscode from "vscode";
import { kernelDocumentFor } from "../kernelDocument";
import { DEFAULT_DEVICE_ID, findDevice, isHelperError, type RunSweep, type SweepCacheStore, type SweepOptions } from "../../../server/src/engine";
import { calibrateFirst } from "../run/calibrateFirst";
import { adapterLabel } from "../run/format";
import type { ProfileStore } from "../run/runCommands";
import { readConfig } from "../config";
import { describeError } from "../run/format";
import type { GpuService } from "../run/gpuService";
import { cancellationOf } from "../run/runCommands";
import { explainRunTrust } from "../run/runLenses";
import { applyBestSweepCommand } from "./sweepLenses";
import { findSweepEntries } from "./sweepEntries";
import type { SweepResultStore } from "./sweepResults";
import { kernelReference, ProgressTracker, runSweepJob, type SweepProblem, type SweepReport } from "./sweepJob";

export interface SweepCommandDeps {
  readonly gpu: GpuService;
  readonly runSweep: RunSweep;
  readonly results: SweepResultStore;
  readonly log: vscode.LogOutputChannel;
  /** The measurement cache (opened on first use); null when it cannot be opened. */
  cache(): SweepCacheStore | null;
  /** Empties the measurement cache; resolves to the folder it lives in. */
  clearCache(): string;
  /** Calibrated devices: `kernellens.device` may name one, and the adapter's own is what the model predicts for. */
  readonly profiles: ProfileStore;
}

const showDesignSpaceCommand = "kernellens.showDesignSpace";



export class SweepCommands implements vscode.Disposable {
  /** Adapters whose automatic calibration was cancelled or failed in this window: not tried again until Calibrate. */
  private readonly calibrationSkipped = new Set<string>();
  /** Problems with `@sweep` lines, from the last sweep of each document; cleared by its next edit or sweep. */
  private readonly diagnostics = vscode.languages.createDiagnosticCollection("kernellens-sweep");
  private readonly disposables: vscode.Disposable[] = [this.diagnostics];

  constructor(private readonly deps: SweepCommandDeps) {
    this.disposables.push(
      // Their offsets are the swept text's: an edit makes them stale.
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0 && this.diagnostics.has(event.document.uri)) this.diagnostics.delete(event.document.uri);
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** `kernellens.sweep`: arguments `[uri, entryName]` from the lens; none from the palette (the active editor, and a pick). */
  async sweep(uriArg?: unknown, entryArg?: unknown): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void explainRunTrust();
      return;
    }
    const target = await this.target(uriArg, entryArg);
    if (!target) return;
    const { document, entry } = target;
    if (!this.deps.gpu.claim(`the sweep of ${entry}`)) return;
    try {
      await this.sweepEntry(document, entry);
    } finally {
      this.deps.gpu.release();
    }
  }

  private async sweepEntry(document: vscode.TextDocument, entry: string): Promise<void> {
    const log = this.deps.log;
    const config = readConfig(document.uri);
    const deviceId = config.device;
    const device = findDevice(deviceId, this.deps.profiles.measuredDevices()) ?? findDevice(DEFAULT_DEVICE_ID)!;
    if (device.id !== deviceId) log.warn(`kernellens.device "${deviceId}" is not a known device; the sweep predicts for ${device.name}`);
    const folder = this.deps.results.folderOf(document.uri);
    const file =
      document.uri.scheme === "file"
        ? document.uri.fsPath
        : join(folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd(), document.fileName.split(/[\\/]/).pop() || "untitled.wgsl");
    const resultUri = this.deps.results.resultUri(document.uri, entry);
    const kernelRef = kernelReference(vscode.Uri.joinPath(resultUri, "..").fsPath, file, folder !== undefined && document.uri.scheme === "file");
    const text = document.getText(); // the editor's text: a sweep never depends on whether the file was saved
    const relative = vscode.workspace.asRelativePath(document.uri, false);
    this.diagnostics.delete(document.uri);

    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `KernelLens: sweeping ${entry}`, cancellable: true },
      async (progress, token): Promise<SweepReport | undefined> => {
        const cancel = cancellationOf(token);
        try {
          progress.report({ message: this.deps.gpu.helper.state === "ready" ? "checking the design space" : "starting the GPU helper" });
          const adapter = await this.deps.gpu.detectAdapter();
          if (isHelperError(adapter)) {
            const advice = adapter.advice ? ` ${adapter.advice}` : "";
            return { kind: "error", reason: "no-adapter", message: `${describeError(adapter, undefined)}${advice}`, problems: [] };
          }
          // Cancelled before anything was measured: there is nothing to keep.
          if (cancel.cancelled) return undefined;
          // The search is guided by the model of the adapter that measures: its calibration, made here the first time.
          if (!this.deps.profiles.deviceFor(adapter)) {
            progress.report({ message: `calibrating ${adapterLabel(adapter)} first (its first sweep)` });
            const calibrated = await calibrateFirst({ gpu: this.deps.gpu, profiles: this.deps.profiles, output: log, skipped: this.calibrationSkipped }, adapter, cancel, "sweep");
            if (cancel.cancelled) return undefined;
            if (!calibrated) log.warn(`sweeping ${entry} on an uncalibrated adapter: guided by the ${device.name} model, not this adapter's (KernelLens: Calibrate makes its profile)`);
          }
          progress.report({ message: "checking the design space" });
          const options: SweepOptions = {
            file,
            text,
            entry,
            device,
            deviceFixed: false,
            deviceForAdapter: (a) => this.deps.profiles.deviceFor(a),
            defines: config.defines,
            includePaths: config.includePaths.map((p) => (isAbsolute(p) || !folder ? p : resolve(folder.uri.fsPath, p))),
            budget: config.sweepBudget,
            exhaustive: config.sweepExhaustive,
            repeat: config.sweepRepeat,
            warmup: config.sweepWarmup,
            timeoutMs: config.runTimeoutMs,
            cache: config.sweepCache ? this.deps.cache() : null,
            allowWorkspaceCode: vscode.workspace.isTrusted,
          };
          const tracker = new ProgressTracker((message, increment) => progress.report({ message, increment }));
          return await runSweepJob({ runSweep: this.deps.runSweep, helper: this.deps.gpu.helper, options, cancel, progress: (e) => tracker.onEvent(e), kernelRef });
        } finally {
          cancel.dispose();
        }
      },
    ).then(
      (value) => value,
      (err: unknown): SweepReport => ({ kind: "error", reason: "failed", message: err instanceof Error ? err.message : String(err), problems: [] }),
    );

    if (!report) {
      void vscode.window.setStatusBarMessage(`KernelLens: the sweep of ${entry} was cancelled before anything was measured`, 4000);
      return;
    }
    if (report.kind === "error") {
      this.showError(document, entry, relative, report);
      return;
    }

    log.info(report.details);
    let written: vscode.Uri | undefined;
    try {
      written = await this.deps.results.write(document.uri, entry, report.result, report.json);
      log.info(`  result: ${written.fsPath}`);
    } catch (err) {
      log.error(`sweep of ${entry}: could not write ${resultUri.fsPath}: ${String(err)}`);
      void vscode.window.showErrorMessage(`KernelLens: the sweep of ${entry} finished, but its result could not be written to ${resultUri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
    }
    // The Design-space view beside the kernel, so the editor (and its best-configuration lens) stays in view.
    if (written) await vscode.commands.executeCommand(showDesignSpaceCommand, written, { beside: true });

    const apply = "Apply Best";
    const actions = report.result.best ? [apply, "Show Output"] : ["Show Output"];
    const show = report.cancelled || report.result.best ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(`KernelLens: ${report.summary}`, ...actions).then((choice) => {
      if (choice === apply) void vscode.commands.executeCommand(applyBestSweepCommand, document.uri, entry);
      else if (choice === "Show Output") log.show(true);
    });
  }

  private showError(document: vscode.TextDocument, entry: string, relative: string, report: Extract<SweepReport, { kind: "error" }>): void {
    const log = this.deps.log;
    switch (report.reason) {
      case "directives": {
        const diagnostics = report.problems.map((p) => this.diagnosticOf(document, p));
        this.diagnostics.set(document.uri, diagnostics);
        const first = diagnostics[0];
        const where = first ? ` (line ${first.range.start.line + 1}: ${first.message})` : "";
        log.error(`sweep of ${entry} in ${relative}: ${report.message}${diagnostics.map((d) => `\n  line ${d.range.start.line + 1}: ${d.message}`).join("")}`);
        const go = "Go to Line";
        void vscode.window.showErrorMessage(`KernelLens: cannot sweep ${entry}: ${report.message}${where}`, ...(first ? [go] : [])).then(async (choice) => {
          if (choice !== go || !first) return;
          const editor = await vscode.window.showTextDocument(document, { preview: false });
          editor.selection = new vscode.Selection(first.range.start, first.range.end);
          editor.revealRange(first.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        });
        return;
      }
      case "no-adapter":
        log.error(`sweep of ${entry}: no GPU adapter: ${report.message}`);
        void vscode.window.showErrorMessage(`KernelLens: ${entry} cannot be swept: ${report.message}`, "Show Output").then((choice) => {
          if (choice) log.show(true);
        });
        return;
      case "usage":
        log.warn(`sweep of ${entry} in ${relative}: ${report.message}`);
        void vscode.window.showErrorMessage(`KernelLens: cannot sweep ${entry}: ${report.message}`);
        return;
      case "failed":
        log.error(`sweep of ${entry} in ${relative} failed: ${report.message}`);
        void vscode.window.showErrorMessage(`KernelLens: the sweep of ${entry} failed: ${report.message}`, "Show Output").then((choice) => {
          if (choice) log.show(true);
        });
        return;
    }
  }

  private diagnosticOf(document: vscode.TextDocument, problem: SweepProblem): vscode.Diagnostic {
    const length = document.getText().length;
    const start = document.positionAt(Math.min(Math.max(0, problem.start), length));
    const end = document.positionAt(Math.min(Math.max(problem.start, problem.end), length));
    const range = start.isEqual(end) ? document.lineAt(start.line).range : new vscode.Range(start, end);
    const diagnostic = new vscode.Diagnostic(range, problem.message, vscode.DiagnosticSeverity.Error);
    diagnostic.source = "KernelLens sweep";
    diagnostic.code = problem.code;
    return diagnostic;
  }

  /** `kernellens.clearSweepCache`: forgets every cached measurement, so the next sweeps time every point afresh. */
  clearCache(): void {
    try {
      const dir = this.deps.clearCache();
      this.deps.log.info(`sweep cache cleared: ${dir}`);
      void vscode.window.showInformationMessage("KernelLens: the sweep cache is cleared; the next sweep times every point afresh.");
    } catch (err) {
      this.deps.log.error(`clearing the sweep cache: ${String(err)}`);
      void vscode.window.showErrorMessage(`KernelLens: the sweep cache could not be cleared: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The document and entry point: the lens's arguments, or the active editor and a pick among its swept entry points. */
  private async target(uriArg: unknown, entryArg: unknown): Promise<{ document: vscode.TextDocument; entry: string } | undefined> {
    const document = await kernelDocumentFor(uriArg);
    if (!document) {
      void vscode.window.showInformationMessage("KernelLens: open a WGSL file with // @sweep lines to explore its design space.");
      return undefined;
    }
    if (typeof entryArg === "string" && entryArg !== "") return { document, entry: entryArg };
    const entries = findSweepEntries(document.getText());
    if (entries.length === 0) {
      void vscode.window.showInformationMessage(
        `KernelLens: ${vscode.workspace.asRelativePath(document.uri, false)} has no compute entry point with a '// @sweep NAME in [a, b, ...]' line in force.`,
      );
      return undefined;
    }
    if (entries.length === 1) return { document, entry: entries[0]!.name };
    const picked = await vscode.window.showQuickPick(
      entries.map((e) => ({ label: e.name, description: e.sweepLines.map((l) => l.parameter).join(", ") })),
      { placeHolder: "Sweep which entry point?" },
    );
    return picked ? { document, entry: picked.label } : undefined;
  }
}
