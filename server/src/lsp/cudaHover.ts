// Hover in a CUDA file: a kernel's name shows its launch, the cost model's verdict and its breakdown (one section per
// analysed instantiation or launch), an access shows how a warp touches memory through it. Everything else is left to the
// C++ extension's hover, which VS Code shows beside this one.
import { type Hover, MarkupKind, type Position } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { CudaFileAnalysis } from "../analysisService";
import { spanToRange } from "./convert";
import { launchText } from "./cudaLaunchText";
import { fromIncludedFile, modelledCuda } from "./modelledSource";
import { kernelModelHover } from "./kernelHover";
import { accessHover } from "./modelViews";

export function cudaHover(doc: TextDocument, analysis: CudaFileAnalysis, position: Position): Hover | null {
  const offset = doc.offsetAt(position);
  const { source } = analysis;
  const modelled = modelledCuda(analysis);
  const kernels = source.kernels.filter((k) => offset >= k.nameSpan.start && offset <= k.nameSpan.end && !fromIncludedFile(source.pre, k.nameSpan));
  if (kernels.length > 0) {
    const lineOf = (at: number): number => doc.positionAt(at).line;
    const sections = kernels.map((k) => {
      const head = `**\`__global__\` kernel \`${k.name}\`** · ${launchText(k, lineOf)}`;
      const model = kernelModelHover(modelled, k.name);
      return model ? `${head}\n\n${model}` : head;
    });
    return { contents: { kind: MarkupKind.Markdown, value: sections.join("\n\n---\n\n") }, range: spanToRange(doc, kernels[0].nameSpan) };
  }
  const access = accessHover(modelled, offset);
  return access ? { contents: { kind: MarkupKind.Markdown, value: access } } : null;
}
