// Wires design-space exploration into the editor: the `🔍 Sweep` and `✓ best` lenses, the sweep command, the
// "apply best sweep configuration" code action, and clearing the measurement cache.
//
// This is the one file that names the concrete sweep engine and cache (runSweep, openSweepCache, from the engine
// facade server/src/engine.ts); everything else in client/src/sweep sees them through their contracts (RunSweep,
// SweepCacheStore), so each can be faked.
import * as vscode from "vscode";
import { openSweepCache, sweepCacheDir, runSweep, type AdapterSummary, type DeviceSpec, type SweepCache } from "../../../server/src/engine";
import type { ExtensionContextHolder } from "../context";
import type { GpuService } from "../run/gpuService";
import { ApplyBestActionProvider, applyBestSweep } from "./applyBest";
import { SweepCommands } from "./sweepCommands";
import { applyBestSweepCommand, SweepLensProvider, sweepCommand } from "./sweepLenses";
import { SweepResultStore } from "./sweepResults";

export interface SweepFeatureDeps {
  readonly gpu: GpuService;
  readonly profiles: { measuredDevices(): DeviceSpec[]; deviceFor(adapter: AdapterSummary): DeviceSpec | undefined };
}

/** Registers everything under client/src/sweep; the returned disposables end with the extension. */
export function registerSweepFeatures(context: vscode.ExtensionContext, holder: ExtensionContextHolder, deps: SweepFeatureDeps): vscode.Disposable[] {
  const log = holder.output;
  const results = new SweepResultStore(context.globalStorageUri, log);
  let cache: SweepCache | null | undefined;
  const commands = new SweepCommands({
    gpu: deps.gpu,
    runSweep,
    results,
    log,
    profiles: deps.profiles,
    cache: () => {
      if (cache === undefined) {
        try {
          cache = openSweepCache(sweepCacheDir());
        } catch (err) {
          log.warn(`the sweep cache could not be opened (every point is timed afresh): ${String(err)}`);
          cache = null;
        }
      }
      return cache;
    },
    clearCache: () => {
      const store = cache ?? openSweepCache(sweepCacheDir());
      store.clear();
      return store.dir;
    },
  });
  const lenses = new SweepLensProvider(results);
  return [
    results,
    commands,
    lenses,
    vscode.languages.registerCodeLensProvider({ language: "wgsl" }, lenses),
    vscode.languages.registerCodeActionsProvider({ language: "wgsl" }, new ApplyBestActionProvider(results), ApplyBestActionProvider.metadata),
    vscode.commands.registerCommand(sweepCommand, (uri: unknown, entry: unknown) => commands.sweep(uri, entry)),
    vscode.commands.registerCommand(applyBestSweepCommand, (uri: unknown, entry: unknown) => applyBestSweep(results, log, uri, entry)),
    vscode.commands.registerCommand("kernellens.clearSweepCache", () => commands.clearCache()),
  ];
}
