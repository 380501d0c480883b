// A preprocessor problem as the diagnostic every front-end publishes: in an included file it names the file and
// points the related information at the directive there.
import type { CoreDiagnostic } from "../diagnostic";
import type { PreprocessProblem } from "./preprocess";

export function preprocessDiagnostic(p: PreprocessProblem): CoreDiagnostic {
  return {
    severity: p.severity,
    code: p.code,
    message: p.inFile ? `${p.message} (in included file '${p.inFile.key}')` : p.message,
    span: p.span,
    source: "kernellens",
    related: p.inFile ? [{ message: p.message, file: p.inFile.key, span: p.inFile.span }] : undefined,
  };
}
