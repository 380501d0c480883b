// Wires design-space exploration into the editor: the Sweep and best-configuration lenses, the sweep command, the
// "apply best sweep configuration" code action, and clearing the measurement cache.
//
// This is the one file that names the concrete sweep engine and cache (runSweep, openSweepCache, from the engine
// facade server/src/engine.ts); everything else in client/src/sweep sees them through their contracts (RunSweep,
// SweepCacheStore), so each can be faked.
import * as vscode from "vscode";
import { openSweepCache, sweepCacheDir, runSweep, type SweepCache } from "../../../server/src/engine";
import type { ExtensionContextHolder } from "../context";
import { LENS_POSITION } from "../lensOrder";
import type { RunFeature } from "../run";
import { ApplyBestActionProvider } from "./applyBest";
import { SweepCommands } from "./sweepCommands";
import { SweepLensProvider } from "./sweepLenses";
import { SweepResultStore } from "./sweepResults";

/** What the sweep commands need of the sweep feature. */
export interface SweepFeature extends vscode.Disposable {
  readonly commands: SweepCommands;
  readonly results: SweepResultStore;
}

/**
 * Builds everything under client/src/sweep and registers its lenses and code action. Sweeps time variants on the run
 * feature's helper, with its calibrations.
 */
export function createSweepFeature(context: vscode.ExtensionContext, holder: ExtensionContextHolder, run: Pick<RunFeature, "gpu" | "profiles">): SweepFeature {
  const log = holder.output;
  const results = new SweepResultStore(context.globalStorageUri, log);
  let cache: SweepCache | null | undefined;
  const commands = new SweepCommands({
    gpu: run.gpu,
    runSweep,
    results,
    log,
    profiles: run.profiles,
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
  const disposables: vscode.Disposable[] = [
    results,
    commands,
    lenses,
    holder.actionLenses.add(LENS_POSITION.sweep, { language: "wgsl" }, lenses),
    vscode.languages.registerCodeActionsProvider({ language: "wgsl" }, new ApplyBestActionProvider(results), ApplyBestActionProvider.metadata),
  ];
  return {
    commands,
    results,
    dispose: () => {
      for (const d of disposables.splice(0)) d.dispose();
    },
  };
}
