// Answers `kernellens/documentKernels`: the entry points of a document with their bindings, in protocol types.
import type { DocumentKernelsResult } from "../protocol";
import { spanToRange } from "./convert";
import type { DocumentState } from "./documentAnalyses";

export function kernelsResult(uri: string, state: DocumentState | undefined): DocumentKernelsResult {
  if (!state) return { uri, defines: [], kernels: [], diagnostics: { errors: 0, warnings: 0, infos: 0 } };
  const { analysis, document } = state;
  const count = (sev: string): number => analysis.diagnostics.filter((d) => d.severity === sev).length;
  return {
    uri,
    defines: [...analysis.source.variant.defines],
    kernels: analysis.source.kernels.map((k) => ({
      name: k.name,
      stage: k.stage,
      workgroupSizeText: k.workgroupSize.text,
      workgroupSize: k.workgroupSize.value ? [k.workgroupSize.value[0], k.workgroupSize.value[1], k.workgroupSize.value[2]] : null,
      range: spanToRange(document, k.nameSpan),
      bindings: k.bindings.map((b) => ({
        name: b.name,
        group: b.group,
        binding: b.binding,
        addressSpace: b.addressSpace,
        accessMode: b.accessMode,
        type: b.typeText,
      })),
    })),
    diagnostics: { errors: count("error"), warnings: count("warning"), infos: count("info") + count("hint") },
  };
}
