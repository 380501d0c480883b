// How a kernel's inferred and assumed launch values read: the lens's `assumed N = 1,048,576`, the hover's list with
// where each would be written, and the directive block the *Add launch directives* code action inserts.
import { type Assumption, directiveLines } from "../kernel/inferLaunch";

const num = (v: number | readonly number[]): string => (typeof v === "number" ? v.toLocaleString("en-US") : v.map((x) => x.toLocaleString("en-US")).join(" × "));

/** Assumed sizes (not inferred ones), for the results that rest on them. */
export function assumedOnly(assumptions: readonly Assumption[]): Assumption[] {
  return assumptions.filter((a) => a.source === "assumed");
}

/**
 * The lens's short form: `assumed params.n = 1,048,576`, names with the same value grouped (`assumed dims.m, dims.n,
 * dims.k = 1,024`), the dispatch only when nothing else is assumed; empty when nothing is.
 */
export function assumedLensText(assumptions: readonly Assumption[]): string {
  const assumed = assumedOnly(assumptions);
  const sizes = assumed.filter((a) => a.name !== "dispatch");
  if (sizes.length === 0) {
    const d = assumed.find((a) => a.name === "dispatch");
    return d ? `assumed dispatch ${num(d.value)}` : "";
  }
  const byValue = new Map<string, string[]>();
  for (const a of sizes) {
    const key = num(a.value);
    byValue.set(key, [...(byValue.get(key) ?? []), a.name]);
  }
  const groups = [...byValue].map(([value, names]) => `${names.join(", ")} = ${value}`);
  return `assumed ${groups.slice(0, 2).join("; ")}${groups.length > 2 ? ` (+${groups.length - 2} more)` : ""}`;
}

/** The hover's list: each value, why, and the directive that states it. */
export function assumptionsMarkdown(assumptions: readonly Assumption[]): string {
  if (assumptions.length === 0) return "";
  const line = (a: Assumption): string => `- \`${a.name}\` = ${num(a.value)}: ${a.reason}. Write it as \`${a.directive}\``;
  const assumed = assumptions.filter((a) => a.source === "assumed");
  const inferred = assumptions.filter((a) => a.source === "code");
  const parts: string[] = [];
  if (assumed.length > 0) {
    parts.push(`**Assumed** (no directive states these; every count, byte and time above rests on them; the *Add launch directives* code action writes them above the entry point):\n${assumed.map(line).join("\n")}`);
  }
  if (inferred.length > 0) parts.push(`**Inferred from the code:**\n${inferred.map(line).join("\n")}`);
  return parts.join("\n\n");
}

/**
 * The directive lines that state every inferred and assumed value, one per binding (a uniform's fields together,
 * a texture's dimensions together), ready to paste above the entry point and edit; the dispatch last, after the
 * sizes it follows from.
 */
export function directiveBlock(assumptions: readonly Assumption[]): string[] {
  const targeted = assumptions.flatMap((a) => (a.target && typeof a.value === "number" ? [{ target: a.target, value: a.value }] : []));
  const rest = [...new Set(assumptions.filter((a) => !a.target).map((a) => a.directive))];
  return [...rest.filter((l) => !l.startsWith("// @dispatch")), ...directiveLines(targeted), ...rest.filter((l) => l.startsWith("// @dispatch"))];
}
