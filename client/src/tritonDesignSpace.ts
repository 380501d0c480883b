// `kernellens.tritonDesignSpace`: a Triton kernel's configurations in the Design-space panel, swept by prediction.
// The server answers the kernel's configurations as a sweep result (kernellens/tritonDesignSpace); nothing is run, so
// every point has the cost model's time and no measurement, and there is no variant source to open (a configuration
// is chosen at launch, not written into the kernel).
import * as vscode from "vscode";
import { TritonDesignSpaceRequest, type TritonDesignSpaceResult } from "../../server/src/protocol";
import type { DesignSpaceData } from "../../webview/src/designSpace/protocol";
import { isPythonDocument } from "./analysedDocuments";
import type { ExtensionContextHolder } from "./context";

export interface TritonDesignSpaceDeps {
  readonly holder: ExtensionContextHolder;
  /** Starts the language server if it waited for a Triton document (serverStart.ts). */
  readonly startServer: () => Promise<void>;
  readonly showPredicted: (data: DesignSpaceData, title: string) => void;
}

/** Arguments `[uri, function]` from the lens, none from the palette (the active editor, and a pick of its kernels). */
export async function showTritonDesignSpace(deps: TritonDesignSpaceDeps, uriArg: unknown, fnArg: unknown): Promise<void> {
  const uri = typeof uriArg === "string" && uriArg !== "" ? uriArg : uriArg instanceof vscode.Uri ? uriArg.toString() : vscode.window.activeTextEditor?.document.uri.toString();
  const document = uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri) : undefined;
  if (!uri || (document && !isPythonDocument(document))) {
    void vscode.window.showInformationMessage("KernelLens: open a Python file with @triton.jit kernels to see their configurations in the design space.");
    return;
  }
  await deps.startServer();
  const client = deps.holder.client;
  if (!client) return;
  let answer: TritonDesignSpaceResult | undefined;
  try {
    answer = await client.sendRequest<TritonDesignSpaceResult>(TritonDesignSpaceRequest, { uri, ...(typeof fnArg === "string" ? { function: fnArg } : {}) });
  } catch (err) {
    deps.holder.output.error(`Triton design space: ${String(err)}`);
    return;
  }
  const designs = answer?.designs ?? [];
  if (designs.length === 0) {
    void vscode.window.showInformationMessage("KernelLens: this file has no analysed @triton.jit kernel (it must import triton).");
    return;
  }
  const chosen =
    designs.length === 1
      ? designs[0]
      : (await vscode.window.showQuickPick(designs.map((d) => ({ label: d.function, description: `${d.result.points.length} configurations`, design: d })), { title: "Show Triton Configurations in the Design Space", placeHolder: "Pick a kernel" }))?.design;
  if (!chosen) return;
  deps.showPredicted(
    {
      resultUri: `${uri}#triton-configs-${chosen.function}`,
      kernelUri: uri,
      result: chosen.result,
      baseline: null,
      baselineProblem: "a Triton configuration is chosen when the kernel is launched, so there is no variant source to open; the points are predictions, none was run",
    },
    `${chosen.function} (predicted)`,
  );
}
