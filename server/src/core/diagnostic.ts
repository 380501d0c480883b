// The diagnostic every analysis in the core produces: plain data, located in the original main file.
import type { Span } from "./wgsl/ast";

export type Severity = "error" | "warning" | "info" | "hint";

export interface CoreDiagnostic {
  readonly severity: Severity;
  /** Stable code, e.g. `wgsl-syntax`, `directive-syntax`, `preprocessor-include`; documented in the README. */
  readonly code: string;
  readonly message: string;
  /** Offsets into the original text of the analysed document (after mapping back through the preprocessor). */
  readonly span: Span;
  /** `tint` for the WGSL compiler's own diagnostics, `nvcc` for the CUDA compiler's, `kernellens` for everything KernelLens adds. */
  readonly source: "tint" | "kernellens" | "nvcc";
  /** Extra locations, e.g. the line inside an included file where an error really is. */
  readonly related?: readonly { readonly message: string; readonly file: string; readonly span?: Span }[];
}
