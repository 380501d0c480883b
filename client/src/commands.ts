// The command handlers. Each is a factory that takes the command context once and returns the handler; the command
// table in extension.ts gives each its id and registers it (nothing else in client/src calls registerCommand).
import * as vscode from "vscode";
import { isHelperError } from "../../server/src/engine";
import type { ExtensionContextHolder } from "./context";
import type { RunFeature } from "./run";
import { explainRunTrust as explainTrust } from "./run/runLenses";
import type { SweepFeature } from "./sweep";
import { applyBestSweep as applyBest } from "./sweep/applyBest";
import type { DesignSpaceData } from "../../webview/src/designSpace/protocol";
import { pickTritonConfig as pickConfig } from "./tritonConfigs";
import { showTritonDesignSpace } from "./tritonDesignSpace";

export type Cmd = (...args: unknown[]) => unknown;

/** Something a command opens or reveals: a panel or a view. */
export interface Showable {
  show(...args: unknown[]): unknown;
}

/** What a command sees: the long-lived state and the features activation built. */
export interface CommandContext {
  readonly holder: ExtensionContextHolder;
  readonly run: RunFeature;
  readonly sweep: SweepFeature;
  readonly panels: {
    readonly kernels: Showable;
    readonly roofline: Showable;
    readonly profiler: Showable;
    readonly designSpace: Showable & { showPredicted(data: DesignSpaceData, title: string): void };
  };
  /** Starts the language server if it is still waiting for a document it reads (serverStart.ts). */
  readonly startServer: () => Promise<void>;
}

export type CommandFactory = (ctx: CommandContext) => Cmd;

// --- The language server ---
export const restartServer: CommandFactory = (ctx) => async () => {
  await ctx.holder.restart();
  void vscode.window.setStatusBarMessage("KernelLens: language server restarted", 3000);
};
export const showOutput: CommandFactory = (ctx) => () => ctx.holder.output.show(true);

// --- Panels and views ---
export const showKernels: CommandFactory = (ctx) => () => ctx.panels.kernels.show();
/** Arguments `[uri, entry]` from the code lens, none from the palette. */
export const showRoofline: CommandFactory = (ctx) => (...args) => ctx.panels.roofline.show(...args);
export const showProfiler: CommandFactory = (ctx) => () => ctx.panels.profiler.show();
/** The Profiler's whole table in an editor tab (the view's title bar and its toolbar button). */
export const openProfilerInEditor: CommandFactory = (ctx) => () => ctx.panels.profiler.show("editor");
/** Arguments `[uri, { beside }]` from the sweep's result, none from the palette (a pick). */
export const showDesignSpace: CommandFactory = (ctx) => (...args) => ctx.panels.designSpace.show(...args);

// --- Runs, profiles, calibration (arguments `[uri, entry]` from a lens, none from the palette) ---
export const run: CommandFactory = (ctx) => (uri, entry) => ctx.run.commands.run("run", uri, entry);
export const profile: CommandFactory = (ctx) => (uri, entry) => ctx.run.commands.run("profile", uri, entry);
export const calibrate: CommandFactory = (ctx) => () => ctx.run.commands.calibrate();
export const showRunHistory: CommandFactory = (ctx) => () => ctx.run.commands.showHistory(ctx.run.historyDocuments);
/** Behind the lens an untrusted workspace shows instead of Run and Profile. */
export const explainRunTrust: CommandFactory = () => () => explainTrust();
/** Behind the GPU status item before the helper has started: starts it and shows what it found. */
export const detectGpu: CommandFactory = (ctx) => async () => {
  const answer = await ctx.run.gpu.detectAdapter().catch((err: unknown) => {
    ctx.holder.output.error(`GPU: ${String(err)}`);
    return undefined;
  });
  if (answer && isHelperError(answer)) ctx.holder.output.show(true);
};

// --- Triton ---
/** Behind a multi-configuration lens: arguments `[uri, function, rows]`. */
export const pickTritonConfig: CommandFactory = () => (uri, fn, rows) => pickConfig(uri, fn, rows);
/** Arguments `[uri, function]` from a lens, none from the palette. */
export const tritonDesignSpace: CommandFactory = (ctx) => (uri, fn) =>
  showTritonDesignSpace({ holder: ctx.holder, startServer: ctx.startServer, showPredicted: (d, t) => ctx.panels.designSpace.showPredicted(d, t) }, uri, fn);

// --- Sweeps (arguments `[uri, entry]` from a lens, none from the palette) ---
export const sweep: CommandFactory = (ctx) => (uri, entry) => ctx.sweep.commands.sweep(uri, entry);
export const applyBestSweep: CommandFactory = (ctx) => (uri, entry) => applyBest(ctx.sweep.results, ctx.holder.output, uri, entry);
export const clearSweepCache: CommandFactory = (ctx) => () => ctx.sweep.commands.clearCache();
