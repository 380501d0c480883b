// The KernelLens extension's entry point: builds the context and its features, registers the command table, starts
// the language server.
import * as vscode from "vscode";
import { DocumentKernelsRequest, type DocumentKernelsResult } from "../../server/src/protocol";
import * as cmd from "./commands";
import { ExtensionContextHolder } from "./context";
import { registerDesignSpacePanel } from "./panels/designSpacePanel";
import { registerKernelsPanel } from "./panels/kernelsPanel";
import { registerProfilerView } from "./panels/profilerView";
import { registerRoofline } from "./panels/rooflineDeps";
import { createRunFeature } from "./run";
import { createSweepFeature } from "./sweep";
import { startServerWhenNeeded } from "./serverStart";

/**
 * Every command the extension registers, each id once and nowhere else. `contributed` is exactly package.json's
 * `contributes.commands`; `internal` commands are run only by the extension's own lenses and status items, so they are
 * not in the palette. test/unit/client-architecture.test.ts holds both to package.json.
 */
function createCommands(): { contributed: Record<string, cmd.CommandFactory>; internal: Record<string, cmd.CommandFactory> } {
  return {
    contributed: {
      "kernellens.restartServer": cmd.restartServer,
      "kernellens.showOutput": cmd.showOutput,
      "kernellens.showKernels": cmd.showKernels,
      "kernellens.run": cmd.run,
      "kernellens.profile": cmd.profile,
      "kernellens.calibrate": cmd.calibrate,
      "kernellens.showRunHistory": cmd.showRunHistory,
      "kernellens.showRoofline": cmd.showRoofline,
      "kernellens.showProfiler": cmd.showProfiler,
      "kernellens.openProfilerInEditor": cmd.openProfilerInEditor,
      "kernellens.showDesignSpace": cmd.showDesignSpace,
      "kernellens.sweep": cmd.sweep,
      "kernellens.applyBestSweep": cmd.applyBestSweep,
      "kernellens.clearSweepCache": cmd.clearSweepCache,
      "kernellens.tritonDesignSpace": cmd.tritonDesignSpace,
    },
    internal: {
      "kernellens.pickTritonConfig": cmd.pickTritonConfig,
      "kernellens.explainRunTrust": cmd.explainRunTrust,
      "kernellens.detectGpu": cmd.detectGpu,
    },
  };
}

/** Builds the long-lived state and every feature; they are disposed with the extension. */
function createContext(context: vscode.ExtensionContext, startServer: () => Promise<void>): cmd.CommandContext {
  const holder = new ExtensionContextHolder(context);
  const log = (message: string) => holder.output.warn(message);
  const run = createRunFeature(context, holder);
  // Sweeps time variants on the run feature's helper, with its calibrations.
  const sweep = createSweepFeature(context, holder, run);
  const panels = {
    kernels: registerKernelsPanel(context, {
      fetchKernels: async (uri: string): Promise<DocumentKernelsResult | undefined> =>
        holder.client?.sendRequest<DocumentKernelsResult>(DocumentKernelsRequest, { uri }),
      log,
    }),
    roofline: registerRoofline(context, holder),
    profiler: registerProfilerView(context, { log }),
    designSpace: registerDesignSpacePanel(context, { log }),
  };
  context.subscriptions.push(holder, run, sweep, ...Object.values(panels));
  return { holder, run, sweep, panels, startServer };
}

let holder: ExtensionContextHolder | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // The server starts now, unless the only documents open are Python files that do not import triton: then at the
  // first document it reads, or the first KernelLens command (serverStart.ts).
  const server: { current?: ReturnType<typeof startServerWhenNeeded> } = {};
  const startServer = (): Promise<void> => server.current?.startNow() ?? Promise.resolve();
  const ctx = createContext(context, startServer);
  holder = ctx.holder;
  const { contributed, internal } = createCommands();
  for (const [id, factory] of Object.entries({ ...contributed, ...internal })) {
    const handler = factory(ctx);
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => {
      void startServer();
      return handler(...args);
    }));
  }
  server.current = startServerWhenNeeded(() => ctx.holder.start());
  context.subscriptions.push(server.current.disposable);
  // As before for WGSL and CUDA: activation waits for the start it made.
  await server.current.started();
}

export async function deactivate(): Promise<void> {
  await holder?.stop();
  holder = undefined;
}
