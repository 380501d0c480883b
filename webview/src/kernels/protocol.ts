// Messages between the Kernels panel page and its host (client/src/panels/kernelsPanel.ts), with a checker per direction.
//
// Both sides import this file: the page checks what the host posts, the host checks what the page posts. Neither
// trusts the other: the page renders text from workspace files, and the host acts (opens editors) on page messages.
import type { DocumentKernelsResult, KernelBindingInfo, KernelInfo, WirePosition, WireRange } from "../../../server/src/protocol";
import { arrayOf, integer, literal, nullable, object, oneOf, string, taggedUnion, tuple, type Checker } from "../../../server/src/core/validation";

/** Host -> page: the kernels of the followed document, or why there are none to show. */
export type HostToPage = { type: "kernels"; data: DocumentKernelsResult } | { type: "empty"; reason: string };

/**
 * Page -> host: `ready` once the page listens (the host then sends the current data), `reveal` when a row is
 * activated, `invalidMessage` when the page ignored a host message that failed its check (the host logs it).
 */
export type PageToHost =
  | { type: "ready" }
  | { type: "reveal"; uri: string; range: WireRange }
  | { type: "invalidMessage"; detail: string };

/**
 * Bounds on what the page accepts. Far above any real shader (WGSL caps bindings per group, and a file with a
 * thousand entry points is not one a person edits), and low enough that a runaway value cannot freeze the page.
 */
export const limits = {
  uriLength: 8192,
  nameLength: 1024,
  typeLength: 4096,
  kernels: 2000,
  bindings: 2000,
  defines: 1000,
  reasonLength: 2000,
  detailLength: 1000,
  /** Lines and characters in a document; LSP positions are unsigned 32-bit integers. */
  position: 2 ** 32 - 1,
  count: 1e9,
} as const;

const position: Checker<WirePosition> = object<WirePosition>({
  line: integer({ min: 0, max: limits.position }),
  character: integer({ min: 0, max: limits.position }),
});

export const wireRangeChecker: Checker<WireRange> = object<WireRange>({ start: position, end: position });

const slot = nullable(integer({ min: 0, max: limits.count }));

const bindingChecker: Checker<KernelBindingInfo> = object<KernelBindingInfo>({
  name: string({ maxLength: limits.nameLength }),
  group: slot,
  binding: slot,
  addressSpace: string({ maxLength: limits.nameLength }),
  accessMode: nullable(string({ maxLength: limits.nameLength })),
  type: string({ maxLength: limits.typeLength }),
});

const dimension = integer({ min: 0, max: limits.count });

const kernelChecker: Checker<KernelInfo> = object<KernelInfo>({
  name: string({ maxLength: limits.nameLength, minLength: 1 }),
  stage: oneOf("compute", "vertex", "fragment"),
  workgroupSizeText: nullable(string({ maxLength: limits.typeLength })),
  workgroupSize: nullable(tuple(dimension, dimension, dimension)),
  range: wireRangeChecker,
  bindings: arrayOf(bindingChecker, { maxLength: limits.bindings }),
});

const count = integer({ min: 0, max: limits.count });

export const documentKernelsResultChecker: Checker<DocumentKernelsResult> = object<DocumentKernelsResult>({
  uri: string({ maxLength: limits.uriLength, minLength: 1 }),
  defines: arrayOf(string({ maxLength: limits.nameLength }), { maxLength: limits.defines }),
  kernels: arrayOf(kernelChecker, { maxLength: limits.kernels }),
  diagnostics: object<DocumentKernelsResult["diagnostics"]>({ errors: count, warnings: count, infos: count }),
});

export const hostToPageChecker: Checker<HostToPage> = taggedUnion<HostToPage>({
  kernels: object({ type: literal("kernels"), data: documentKernelsResultChecker }),
  empty: object({ type: literal("empty"), reason: string({ maxLength: limits.reasonLength }) }),
});

export const pageToHostChecker: Checker<PageToHost> = taggedUnion<PageToHost>({
  ready: object({ type: literal("ready") }),
  reveal: object({ type: literal("reveal"), uri: string({ maxLength: limits.uriLength, minLength: 1 }), range: wireRangeChecker }),
  invalidMessage: object({ type: literal("invalidMessage"), detail: string({ maxLength: limits.detailLength }) }),
});
