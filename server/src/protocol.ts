// Every custom message between the KernelLens client and language server, declared once with its types.
//
// Shared by client/ and server/ (and documented in docs/protocol.md; test/unit/protocol-doc.test.ts fails when
// the document falls behind this file). Plain types only: no vscode or vscode-languageserver imports, so both
// sides and the tests can use it.

/** LSP-style 0-based position and range, as they cross the wire. */
export interface WirePosition {
  line: number;
  character: number;
}
export interface WireRange {
  start: WirePosition;
  end: WirePosition;
}

/** A storage, uniform or other resource binding of a kernel, as the outline shows it. */
export interface KernelBindingInfo {
  name: string;
  group: number | null;
  binding: number | null;
  /** `storage`, `uniform`, `handle` (textures, samplers) or `workgroup`. */
  addressSpace: string;
  accessMode: string | null;
  type: string;
}

export interface KernelInfo {
  name: string;
  stage: "compute" | "vertex" | "fragment";
  /** Workgroup size as written (expressions may name overrides), and evaluated where it is constant. */
  workgroupSizeText: string | null;
  workgroupSize: [number, number, number] | null;
  range: WireRange;
  bindings: KernelBindingInfo[];
}

export interface DocumentKernelsParams {
  uri: string;
}
export interface DocumentKernelsResult {
  uri: string;
  /** Preprocessor defines of the analysed variant. */
  defines: string[];
  kernels: KernelInfo[];
  /** Count of diagnostics by severity for the document, as last published. */
  diagnostics: { errors: number; warnings: number; infos: number };
}

/**
 * `kernellens/documentKernels` (client -> server request): the entry points of a document with their bindings,
 * for the kernels panel and commands that need to know what a file declares.
 */
export const DocumentKernelsRequest = "kernellens/documentKernels" as const;

/**
 * `kernellens/serverStatus` (server -> client notification): health of the server's parts, shown in the status
 * item. `tint` is false where Dawn could not be loaded (diagnostics then come from the KernelLens parser alone).
 */
export const ServerStatusNotification = "kernellens/serverStatus" as const;
export interface ServerStatusParams {
  state: "ready" | "degraded";
  tint: { available: boolean; detail: string };
  message: string;
}

/** Every method name above, so the protocol document test can check each is documented. */
export const allMethods = [DocumentKernelsRequest, ServerStatusNotification] as const;
