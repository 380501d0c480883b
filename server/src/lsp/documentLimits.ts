// How much of the analysis a document gets, by its size, and how long a request may wait for it.
//
// The cost model's time and memory grow with the text (a 5 MB file of kernels took the server minutes and half a
// gigabyte), so a large document degrades instead of blocking the editor: above LARGE_DOCUMENT_BYTES it keeps
// Tint's diagnostics, the KernelLens syntax and directive checks, the outline, hovers of declarations, completion
// and navigation, and loses the cost model with its code lenses, inlay hints and hovers; above MAX_DOCUMENT_BYTES it
// is not analysed at all. Either way one information diagnostic at the top of the document says so.
import type { CoreDiagnostic } from "../core/diagnostic";

/** Above this many bytes of UTF-8 text a document gets no cost model (1 MiB: about 30,000 lines of kernels). */
export const LARGE_DOCUMENT_BYTES = 1024 * 1024;
/**
 * Above this a document is not analysed at all: parsing 4 MiB takes about 2 s and 400 MB on a laptop core, and
 * that is as long as the editor should wait on one keystroke. (The CLI takes files up to 16 MiB.)
 */
export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
/** A large document is re-analysed after this much quiet at least, so a burst of typing costs one parse, not one each. */
export const LARGE_DOCUMENT_DEBOUNCE_MS = 400;
/**
 * The longest a request waits for the analysis of the document's current version. Past it the request is answered
 * with LSP's ServerCancelled (the client may ask again) instead of holding the editor's feature up.
 */
export const REQUEST_DEADLINE_MS = 2000;

/**
 * How long one kernel's counting may take in the server before the model samples instead (it says so in the
 * kernel's unknowns); the step budget of core/model/budget.ts bounds it on any machine, this on a slow one.
 */
export const KERNEL_MODEL_BUDGET_MS = 500;

/** `full`: everything; `large`: no cost model; `refused`: nothing but the message. */
export type DocumentMode = "full" | "large" | "refused";

export function utf8Bytes(text: string): number {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short texts need no count.
  return text.length * 3 <= LARGE_DOCUMENT_BYTES ? text.length : Buffer.byteLength(text, "utf8");
}

export function documentMode(bytes: number): DocumentMode {
  return bytes > MAX_DOCUMENT_BYTES ? "refused" : bytes > LARGE_DOCUMENT_BYTES ? "large" : "full";
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The one diagnostic that says what a large or refused document does not get; none for a `full` one. */
export function limitDiagnostic(mode: DocumentMode, bytes: number, withIncludes = false): CoreDiagnostic | undefined {
  if (mode === "full") return undefined;
  const what = withIncludes ? "This document with its includes" : "This document";
  const message =
    mode === "large"
      ? `${what} is ${mib(bytes)}, larger than the ${mib(LARGE_DOCUMENT_BYTES)} KernelLens models: the cost model, its code lenses, inlay hints and hovers are off for it. Diagnostics, the outline, hovers of declarations, completion and navigation stay on.`
      : `${what} is ${mib(bytes)}, larger than the ${mib(MAX_DOCUMENT_BYTES)} KernelLens analyses: it gets no diagnostics, outline, hovers or cost model.`;
  return { severity: "info", code: mode === "large" ? "large-document" : "document-too-large", message, span: { start: 0, end: 0 }, source: "kernellens" };
}

/**
 * At most this many diagnostics are published for one document: a generated file can have tens of thousands, and
 * sending them all costs seconds and megabytes per version while no one reads past the first screens.
 */
export const MAX_PUBLISHED_DIAGNOSTICS = 1000;

/** The codes of the size messages, which are always published. */
const LIMIT_CODES: ReadonlySet<string> = new Set(["large-document", "document-too-large"]);

/**
 * The diagnostics to publish: all of them, or the size message, then the first by severity and position, and one
 * that says how many more there are.
 */
export function capDiagnostics(list: readonly CoreDiagnostic[]): readonly CoreDiagnostic[] {
  if (list.length <= MAX_PUBLISHED_DIAGNOSTICS) return list;
  const rank = (d: CoreDiagnostic): number => (LIMIT_CODES.has(d.code) ? -1 : { error: 0, warning: 1, info: 2, hint: 3 }[d.severity]);
  // Array.prototype.sort is stable: within a severity the order by position stays.
  const kept = [...list]
    .sort((a, b) => rank(a) - rank(b))
    .slice(0, MAX_PUBLISHED_DIAGNOSTICS - 1)
    .sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const more = list.length - kept.length;
  return [
    { severity: "info", code: "diagnostics-truncated", message: `${more.toLocaleString("en-US")} more diagnostics are not shown (at most ${MAX_PUBLISHED_DIAGNOSTICS} per document, errors first)`, span: { start: 0, end: 0 }, source: "kernellens" },
    ...kept,
  ];
}

/** Why a large or refused document has no cost model, for answers (the roofline) that list kernels. */
export function modelOffReason(mode: DocumentMode): string | undefined {
  return mode === "full" ? undefined : `the document is larger than ${mib(LARGE_DOCUMENT_BYTES)}, so the cost model is off for it`;
}
