// Which preprocessor variant a file is analysed as: its own `// @define` lines win over the caller's defines (a
// setting or `--define`), in every language.
import type { Directive } from "./directives";

export interface Variant {
  readonly defines: readonly string[];
  readonly from: "directives" | "settings" | "none";
}

export function chooseVariant(directives: readonly Directive[], defines: readonly string[] | undefined): Variant {
  const lines = directives.filter((d): d is Extract<Directive, { kind: "define" }> => d.kind === "define");
  if (lines.length > 0) return { defines: lines.map((d) => (d.value !== undefined ? `${d.name.name}=${d.value}` : d.name.name)), from: "directives" };
  if (defines && defines.length > 0) return { defines: [...defines], from: "settings" };
  return { defines: [], from: "none" };
}
