// The command table: every `kernellens.*` command is registered here from a factory that takes the context.
import * as vscode from "vscode";
import type { ExtensionContextHolder } from "./context";

type CommandFactory = (ctx: ExtensionContextHolder) => (...args: unknown[]) => unknown;

const commands: Record<string, CommandFactory> = {
  "kernellens.restartServer": (ctx) => async () => {
    await ctx.restart();
    void vscode.window.setStatusBarMessage("KernelLens: language server restarted", 3000);
  },
  "kernellens.showOutput": (ctx) => () => ctx.output.show(true),
};

export function registerCommands(ctx: ExtensionContextHolder): vscode.Disposable[] {
  return Object.entries(commands).map(([id, factory]) => vscode.commands.registerCommand(id, factory(ctx)));
}
