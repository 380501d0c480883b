// Writes analysis results as a SARIF 2.1.0 log, so CI systems (GitHub code scanning and others) can show findings.
import type { Log, ReportingDescriptor, Result } from "sarif";
import type { AnalyzeFileJson } from "./analyzeJson";

const LEVEL: Record<string, Result.level> = { error: "error", warning: "warning", info: "note", hint: "note" };

/** `fileUri` turns a file path into the artifact URI (relative to the working directory when possible). */
export function toSarif(results: readonly AnalyzeFileJson[], version: string, fileUri: (file: string) => string): Log {
  const rules = new Map<string, ReportingDescriptor>();
  const sarifResults: Result[] = [];
  for (const file of results) {
    for (const d of file.diagnostics) {
      if (!rules.has(d.code)) {
        rules.set(d.code, {
          id: d.code,
          name: d.code.replace(/(^|-)(\w)/g, (_m, _d: string, c: string) => c.toUpperCase()),
          shortDescription: { text: d.source === "tint" ? `WGSL compiler (Tint) ${d.code.replace("tint-", "")}` : d.source === "nvcc" ? `CUDA compiler (nvcc) ${d.code}` : `KernelLens ${d.code}` },
          defaultConfiguration: { level: LEVEL[d.severity] ?? "warning" },
        });
      }
      sarifResults.push({
        ruleId: d.code,
        ruleIndex: [...rules.keys()].indexOf(d.code),
        level: LEVEL[d.severity] ?? "warning",
        message: { text: d.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: fileUri(file.file) },
              // SARIF lines and columns are 1-based; LSP ranges are 0-based. Columns count UTF-16 code units.
              region: {
                startLine: d.range.start.line + 1,
                startColumn: d.range.start.character + 1,
                endLine: d.range.end.line + 1,
                endColumn: d.range.end.character + 1,
              },
            },
          },
        ],
      });
    }
  }
  return {
    version: "2.1.0",
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    runs: [
      {
        tool: { driver: { name: "KernelLens", version, informationUri: "https://github.com/kernellens/kernellens", rules: [...rules.values()] } },
        columnKind: "utf16CodeUnits",
        artifacts: results.map((r) => ({ location: { uri: fileUri(r.file) }, sourceLanguage: r.language })),
        results: sarifResults,
      },
    ],
  };
}
