// The extension's settings under `kernellens.*`, read through one typed accessor.
import * as vscode from "vscode";

export interface KernelLensConfig {
  readonly tintEnable: boolean;
  readonly debounceMs: number;
  readonly defines: readonly string[];
  readonly includePaths: readonly string[];
  readonly trace: "off" | "messages" | "verbose";
}

export function readConfig(scope?: vscode.ConfigurationScope): KernelLensConfig {
  const c = vscode.workspace.getConfiguration("kernellens", scope);
  return {
    tintEnable: c.get<boolean>("tint.enable", true),
    debounceMs: c.get<number>("diagnostics.debounceMs", 30),
    defines: c.get<string[]>("preprocessor.defines", []),
    includePaths: c.get<string[]>("preprocessor.includePaths", []),
    trace: c.get<"off" | "messages" | "verbose">("trace.server", "off"),
  };
}
