// Wires running, profiling and calibrating into the extension: the GPU service, the run lenses, the commands and the history view.
//
// This is the one file that names the concrete helper, runner, history and profile modules; everything else in
// client/src/run sees them through small interfaces, so each can be replaced (or faked) without touching the rest.
// Its commands are registered by the command table in extension.ts, from the handlers in client/src/commands.ts.
import * as vscode from "vscode";
import { GpuHelperProcess, appendRun, readHistory, loadProfiles, profileToDevice, saveProfile, runKernel, type DeviceSpec, type AdapterSummary, type CalibrationProfile, type RunOutcome } from "../../../server/src/engine";
import { notifyRooflineRunFinished } from "../panels/rooflinePanel";
import { notifyRunRecorded } from "../panels/profilerView";
import { DocumentKernelsRequest, type DocumentKernelsResult } from "../../../server/src/protocol";
import type { ExtensionContextHolder } from "../context";
import { LENS_POSITION } from "../lensOrder";
import { adapterLabel, failureDetail, type HistoryRow } from "./format";
import { GpuService } from "./gpuService";
import { type ProfileStore, type RunHistoryStore, RunCommands, RunHistoryDocuments, type RunMode } from "./runCommands";
import { RunLensProvider } from "./runLenses";

/** What the run commands and the sweeps need of the run feature; disposing it ends the helper with it. */
export interface RunFeature extends vscode.Disposable {
  readonly gpu: GpuService;
  readonly commands: RunCommands;
  readonly historyDocuments: RunHistoryDocuments;
  readonly profiles: SavedProfiles;
}

/** Builds everything under client/src/run and registers its lenses and history documents. */
export function createRunFeature(context: vscode.ExtensionContext, holder: ExtensionContextHolder): RunFeature {
  const log = holder.output;
  const profiles = profileStore(log);
  const gpu = new GpuService({
    createHelper: () =>
      new GpuHelperProcess({
        helperPath: context.asAbsolutePath("dist/gpuHelper.js"),
        // Dawn prints the same limit warnings at every start: kept for the trace level, out of the default log.
        log: (message) => (/^Warning: /.test(message) ? log.debug(`GPU helper: ${message}`) : log.info(`GPU helper: ${message}`)),
      }),
    log,
    profileFor: (adapter) => profiles.profileFor(adapter),
  });
  const fetchKernels = async (uri: vscode.Uri, token?: vscode.CancellationToken): Promise<DocumentKernelsResult | undefined> => {
    const client = holder.client;
    if (!client?.isRunning()) return undefined;
    return client.sendRequest<DocumentKernelsResult>(DocumentKernelsRequest, { uri: uri.toString() }, token);
  };
  const lenses = new RunLensProvider({ fetchKernels: (uri, token) => fetchKernels(uri, token), log });
  const history = historyStore();
  const historyDocuments = new RunHistoryDocuments(history, log);
  const commands = new RunCommands({
    holder,
    gpu,
    runKernel,
    history,
    profiles,
    entries: async (document, token) => {
      const result = await fetchKernels(document.uri, token);
      return result?.kernels
        .filter((k) => k.stage === "compute")
        .map((k) => ({ name: k.name, range: new vscode.Range(k.range.start.line, k.range.start.character, k.range.end.line, k.range.end.character) }));
    },
  });
  const disposables: vscode.Disposable[] = [
    gpu,
    lenses,
    commands,
    historyDocuments,
    holder.actionLenses.add(LENS_POSITION.run, { language: "wgsl" }, lenses),
    vscode.workspace.registerTextDocumentContentProvider(RunHistoryDocuments.scheme, historyDocuments),
  ];
  return {
    gpu,
    commands,
    historyDocuments,
    profiles,
    dispose: () => {
      for (const d of disposables.splice(0)) d.dispose();
    },
  };
}

/** The run history of history.ts, seen as the rows the history view lists. */
function historyStore(): RunHistoryStore {
  return {
    async append(folder: string, file: string, mode: RunMode, outcome: RunOutcome, sourceText: string): Promise<void> {
      const record = appendRun(folder, { file, mode, outcome, sourceText });
      // The roofline shows the measured point of the run that just finished, the profiler its row.
      notifyRooflineRunFinished();
      notifyRunRecorded(record, folder);
    },
    async read(folder: string, limit: number): Promise<HistoryRow[]> {
      return readHistory(folder, { limit }).map((r) => ({
        startedAt: r.outcome.startedAt || r.timestamp,
        file: r.file,
        entry: r.outcome.entry,
        mode: r.mode,
        status: r.outcome.status,
        medianMs: r.outcome.timing?.medianMs,
        method: r.outcome.timing?.method,
        adapter: r.outcome.adapter ? adapterLabel(r.outcome.adapter) : undefined,
        predictedMs: r.outcome.predicted?.ms,
        deviceId: r.outcome.predicted?.deviceId,
        detail: failureDetail(r.outcome),
      }));
    },
  };
}

/** Saved calibration profiles, as the run commands, the GPU service and the sweeps need them. */
export type SavedProfiles = ProfileStore & { profileFor(adapter: AdapterSummary): CalibrationProfile | undefined };

/** Saved calibration profiles (profiles.ts), cached in memory and reread after each save. */
function profileStore(log: vscode.LogOutputChannel): SavedProfiles {
  let cache: { profiles: CalibrationProfile[]; devices: Map<string, DeviceSpec> } | undefined;
  const load = () => {
    if (!cache) {
      let profiles: CalibrationProfile[] = [];
      try {
        profiles = loadProfiles();
      } catch (err) {
        log.warn(`calibration profiles could not be read: ${String(err)}`);
      }
      cache = { profiles, devices: new Map(profiles.map((p) => [p.adapter.key, profileToDevice(p)])) };
    }
    return cache;
  };
  const profileFor = (adapter: AdapterSummary) => load().profiles.find((p) => p.adapter.key === adapter.key);
  return {
    profileFor,
    async save(profile: CalibrationProfile) {
      const path = saveProfile(profile);
      cache = undefined;
      return { deviceId: profileToDevice(profile).id, path };
    },
    deviceFor: (adapter: AdapterSummary) => load().devices.get(adapter.key),
    measuredDevices: () => [...load().devices.values()],
  };
}
