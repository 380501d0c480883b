// The KernelLens extension's entry point: builds the context, registers commands and panels, starts the server.
import type * as vscode from "vscode";
import { DocumentKernelsRequest, type DocumentKernelsResult } from "../../server/src/protocol";
import { registerCommands } from "./commands";
import { ExtensionContextHolder } from "./context";
import { registerKernelsPanel } from "./panels/kernelsPanel";
import { registerRoofline } from "./panels/rooflineDeps";
import { registerProfilerView } from "./panels/profilerView";
import { registerDesignSpacePanel } from "./panels/designSpacePanel";
import { registerRunFeatures } from "./run";

let holder: ExtensionContextHolder | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const ctx = new ExtensionContextHolder(context);
  holder = ctx;
  context.subscriptions.push(ctx, ...registerCommands(ctx));
  context.subscriptions.push(...registerRunFeatures(context, ctx));
  context.subscriptions.push(...registerRoofline(context, ctx));
  context.subscriptions.push(...registerProfilerView(context, { log: (message: string) => ctx.output.warn(message) }));
  context.subscriptions.push(...registerDesignSpacePanel(context, { log: (message: string) => ctx.output.warn(message) }));
  context.subscriptions.push(
    ...registerKernelsPanel(context, {
      fetchKernels: async (uri: string): Promise<DocumentKernelsResult | undefined> => {
        const client = ctx.client;
        if (!client) return undefined;
        return client.sendRequest<DocumentKernelsResult>(DocumentKernelsRequest, { uri });
      },
      log: (message: string) => ctx.output.warn(message),
    }),
  );
  await ctx.start();
}

export async function deactivate(): Promise<void> {
  await holder?.stop();
  holder = undefined;
}
