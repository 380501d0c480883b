// The KernelLens language server's entry point: wires LSP requests to the analysis; the logic lives in lsp/ and core/.
//
// Started by the VS Code client over IPC, or by any editor with `node dist/server.js --stdio`. Dawn is loaded in
// this process only through its `null` backend (Tint diagnostics, no GPU); kernels run in a separate helper.
// Any client that speaks the base protocol works: optional capabilities are read in lsp/clientSupport.ts.
// WGSL documents, CUDA ones (VS Code's `cuda-cpp`, .cu/.cuh) and Python ones that import triton are analysed; the
// WGSL-only features (completion, navigation, the directive code action) answer nothing for CUDA and Python, which
// their own extensions serve. A Python document that does not import triton is answered nothing at all, at once.
import {
  type CancellationToken,
  createConnection,
  type InitializeParams,
  type InitializeResult,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { URI } from "vscode-uri";
import {
  DocumentKernelsRequest,
  type DocumentKernelsParams,
  type DocumentKernelsResult,
  RooflineRequest,
  type RooflineParams,
  type RooflineResult,
  ServerStatusNotification,
  type ServerStatusParams,
  TritonDesignSpaceRequest,
  type TritonDesignSpaceParams,
  type TritonDesignSpaceResult,
} from "./protocol";
import { TintCompiler } from "./tint/tintCompiler";
import type { CudaGrammar, PythonGrammar } from "./analysisService";
import { type KernelLanguage, kernelLanguageOf } from "./kernelLanguage";
import { createParser } from "./treeSitter/grammars";
import { toLspDiagnostic } from "./lsp/convert";
import { DocumentAnalyses, includesOf } from "./lsp/documentAnalyses";
import { SettingsCache } from "./lsp/settings";
import { documentSymbols } from "./lsp/symbols";
import { cudaDocumentSymbols } from "./lsp/cudaSymbols";
import { cudaHover } from "./lsp/cudaHover";
import { tritonCodeLenses, tritonDocumentSymbols, tritonHover } from "./lsp/tritonViews";
import { tritonCodeActions } from "./lsp/tritonCodeActions";
import { tritonDesignSpace } from "./lsp/tritonDesignSpace";
import { tritonFunctions } from "./lsp/tritonViews";
import { modelledSource } from "./lsp/modelledSource";
import { kernelsResult } from "./lsp/kernelsRequest";
import { answerRoofline } from "./lsp/rooflineRequest";
import { measuredDevices } from "./run/profiles";
import { hover } from "./lsp/hover";
import { completion, completionTriggerCharacters } from "./lsp/completion";
import { definition, references } from "./lsp/navigation";
import { codeLenses, inlayHints } from "./lsp/modelViews";
import { INLAY_HINT_MAX_LENGTH } from "./core/model/loopHint";
import { codeActions } from "./lsp/codeActions";
import { baseSupport, type ClientSupport, clientSupport, completionFor, hoverFor, initialFolders, symbolsFor } from "./lsp/clientSupport";
import { modelOffReason, REQUEST_DEADLINE_MS } from "./lsp/documentLimits";
import { within } from "./lsp/requestGuard";
import type { DocumentState } from "./lsp/documentAnalyses";
import { CudaCompiles } from "./lsp/cudaCompiles";
import { TritonCompiles } from "./lsp/tritonCompiles";
import { documentsReading, HEADER_CHANGE_DEBOUNCE_MS, HeaderChanges } from "./lsp/headerChanges";

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let support: ClientSupport = baseSupport;
let workspaceFolders: string[] = [];
let tint: TintCompiler | undefined;
let tintReady: Promise<void> | undefined;
const TINT_START_DEADLINE_MS = 30000;

const log = (message: string): void => connection.console.log(message);
const settings = new SettingsCache(connection, () => support.configuration);

let cudaGrammar: Promise<CudaGrammar> | undefined;
/** The CUDA parser, created once per server when the first CUDA document opens; a failure is said once, here. */
function loadCudaGrammar(): Promise<CudaGrammar> {
  cudaGrammar ??= createParser("cuda")
    .catch((err: unknown) => ({ error: (err as Error).message ?? String(err) }))
    .then((parser) => {
      if ("error" in parser) connection.console.error(`KernelLens server: CUDA files cannot be analysed: ${parser.error}`);
      return parser;
    });
  return cudaGrammar;
}

let pythonGrammar: Promise<PythonGrammar> | undefined;
/** The Python parser, created once per server when the first Python document that imports triton is analysed. */
function loadPythonGrammar(): Promise<PythonGrammar> {
  pythonGrammar ??= createParser("python")
    .catch((err: unknown) => ({ error: (err as Error).message ?? String(err) }))
    .then((parser) => {
      if ("error" in parser) connection.console.error(`KernelLens server: Triton files cannot be analysed: ${parser.error}`);
      return parser;
    });
  return pythonGrammar;
}

const analyses = new DocumentAnalyses(documents, (uri) => settings.get(uri), () => tint, () => workspaceFolders, (m) => connection.console.error(m), loadCudaGrammar, loadPythonGrammar);

// nvcc in the background for CUDA documents: exact resources and nvcc's diagnostics join the analysis when they come.
const compiles = new CudaCompiles({
  document: (uri) => documents.get(uri),
  settingsFor: (uri) => settings.get(uri),
  analysisOf: (uri) => analyses.current(uri),
  reanalyze: (uri) => analyses.refresh(uri),
  workspaceFolders: () => workspaceFolders,
  log,
  updated: () => refreshViews(),
});
analyses.compiledCuda = (uri, text, s) => compiles.compiledFor(uri, text, s);
// Triton's exact path in the background: the user's Triton compiles each kernel and configuration, or its cache has it.
const tritonCompiles = new TritonCompiles({
  document: (uri) => documents.get(uri),
  settingsFor: (uri) => settings.get(uri),
  analysisOf: async (uri) => {
    const state = await analyses.current(uri);
    if (!state || state.analysis.language !== "triton") return undefined;
    const { source, device } = state.analysis;
    return { version: state.version, kernels: source.kernels, irs: source.irs, computeCapability: device?.computeCapability };
  },
  reanalyze: (uri) => analyses.refresh(uri),
  log,
  updated: () => refreshViews(),
});
analyses.compiledTriton = (uri, text, s) => tritonCompiles.compiledFor(uri, text, s);

/** Asks the client for lenses and hints again (where it can be asked): their numbers changed without an edit. */
function refreshViews(): void {
  if (support.codeLensRefresh) void connection.sendRequest("workspace/codeLens/refresh").catch(() => undefined);
  if (support.inlayHintRefresh) void connection.languages.inlayHint.refresh().catch(() => undefined);
}

/** The front-end an open document is read with (a document that is not open counts as WGSL, as before). */
function languageOf(uri: string): KernelLanguage {
  const doc = documents.get(uri);
  return doc ? kernelLanguageOf({ languageId: doc.languageId, name: uri }) : "wgsl";
}

analyses.onPublish((p) => {
  const diagnostics = p.diagnostics.map((d) => toLspDiagnostic(p.document, d, (key) => p.includedTexts.get(key)));
  void connection.sendDiagnostics({ uri: p.document.uri, version: p.version, diagnostics });
});

connection.onInitialize((params: InitializeParams): InitializeResult => {
  support = clientSupport(params.capabilities);
  workspaceFolders = initialFolders(params);
  return {
    capabilities: {
      // Saves are announced (no text) so a saved header has the CUDA files that include it compiled again.
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      documentSymbolProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      hoverProvider: true,
      completionProvider: { triggerCharacters: completionTriggerCharacters, resolveProvider: false },
      codeLensProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: ["refactor.rewrite"] },
      inlayHintProvider: true,
      // Folder changes are announced statically: no client/registerCapability, which not every client supports.
      workspace: { workspaceFolders: { supported: true, changeNotifications: support.workspaceFolders } },
    },
    serverInfo: { name: "kernellens", version: "0.1.0" },
  };
});

connection.onInitialized(() => {
  // Tint starts in the background: documents opened before it is ready are re-analysed when it is.
  tintReady = TintCompiler.create().then((result) => {
    const status: ServerStatusParams =
      "error" in result
        ? { state: "degraded", tint: { available: false, detail: result.error }, message: `WGSL diagnostics from the KernelLens parser only: ${result.error}` }
        : { state: "ready", tint: { available: true, detail: `Tint via Dawn (features: ${result.features.join(", ") || "none"})` }, message: "ready: Tint diagnostics on" };
    if (!("error" in result)) tint = result;
    log(`KernelLens server: ${status.message}`);
    void connection.sendNotification(ServerStatusNotification, status);
    for (const doc of documents.all()) analyses.schedule(doc.uri, 0);
  });
  // Only a client that has workspace folders sends their changes (asking for them otherwise throws).
  if (support.workspaceFolders) {
    void connection.workspace.onDidChangeWorkspaceFolders((e) => {
      const removed = new Set(e.removed.map((f) => URI.parse(f.uri).fsPath));
      workspaceFolders = [...workspaceFolders.filter((f) => !removed.has(f)), ...e.added.map((f) => URI.parse(f.uri).fsPath)];
    });
  }
});

connection.onDidChangeConfiguration(() => {
  settings.clear();
  // Lenses and hints depend on the device setting: every open document is modelled again under the new settings,
  // and only then is the client asked to fetch them again (where it can be asked); asked at once, it would get the
  // old device's numbers, and an open editor would keep them until its text changed.
  void analyses.settingsChanged().finally(refreshViews);
  // The device, the flags or trust may have changed: compiles are done again under the new settings.
  compiles.settingsChanged(documents.all().map((d) => d.uri));
  tritonCompiles.settingsChanged(documents.all().map((d) => d.uri));
});

documents.onDidOpen((e) => analyses.schedule(e.document.uri, 0));
documents.onDidChangeContent(async (e) => {
  // A Python document that does not import triton: no settings, no debounce, no compile; only a check that it still
  // has nothing (its diagnostics are cleared if it stopped importing triton).
  if (!analyses.reads(e.document.uri)) return analyses.schedule(e.document.uri, 0);
  // Opened or edited: the document's running compile is cancelled at once; the next waits for the author to pause.
  void compiles.changed(e.document.uri);
  void tritonCompiles.changed(e.document.uri);
  const s = await settings.get(e.document.uri);
  analyses.schedule(e.document.uri, s.debounceMs);
  analyses.scheduleDependents(e.document.uri, s.debounceMs);
});
documents.onDidSave((e) => compiles.saved(e.document.uri, documents.all().map((d) => d.uri)));
// Headers changed on disk (the VS Code client watches the workspace's CUDA/C++ headers): the open documents that
// included one are read again, and those whose compile read one are compiled again (after the new static answer;
// their last compile's numbers are dropped meanwhile, so they are analysed again too).
const headerChanges = new HeaderChanges(HEADER_CHANGE_DEBOUNCE_MS, (changes) => {
  const open = documents.all().map((d) => ({ uri: d.uri, text: d.getText(), includes: (() => {
    const state = analyses.get(d.uri);
    return state ? includesOf(state.analysis) : [];
  })() }));
  const reread = documentsReading(changes, open);
  const recompiled = compiles.headersChanged(changes.map((c) => c.path), reread);
  const again = [...new Set([...reread, ...recompiled])];
  if (again.length > 0) void Promise.all(again.map((uri) => analyses.refresh(uri))).then(refreshViews);
  log(`headers changed on disk (${changes.length}): ${reread.length} document(s) read again, ${recompiled.length} compiled again`);
});
connection.onDidChangeWatchedFiles((p) => headerChanges.add(p.changes));
documents.onDidClose((e) => {
  // A Python document never read as Triton had nothing published: nothing to clear.
  const published = kernelLanguageOf({ languageId: e.document.languageId, name: e.document.uri }) !== "triton" || analyses.get(e.document.uri) !== undefined;
  compiles.closed(e.document.uri);
  tritonCompiles.closed(e.document.uri);
  analyses.forget(e.document.uri);
  settings.forget(e.document.uri);
  if (published) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

/**
 * The analysis of a document's current version for a request: at most REQUEST_DEADLINE_MS of waiting, and none once
 * the client cancels. A document too large to analyse has none.
 */
async function analysed(uri: string, token: CancellationToken | undefined): Promise<DocumentState | undefined> {
  if (!analyses.reads(uri)) return undefined;
  const state = await within(analyses.current(uri), token, REQUEST_DEADLINE_MS, uri);
  return state && state.mode !== "refused" ? state : undefined;
}

connection.onDocumentSymbol(async (p, token) => {
  const state = await analysed(p.textDocument.uri, token);
  if (!state) return symbolsFor(p.textDocument.uri, [], support);
  const { analysis, document } = state;
  const symbols = analysis.language === "wgsl" ? documentSymbols(document, analysis.source) : analysis.language === "cuda" ? cudaDocumentSymbols(document, analysis.source) : tritonDocumentSymbols(document, analysis);
  return symbolsFor(p.textDocument.uri, symbols, support);
});
connection.onHover(async (p, token) => {
  const state = await analysed(p.textDocument.uri, token);
  if (!state) return null;
  const { analysis, document } = state;
  if (analysis.language === "wgsl") return hoverFor(hover(document, analysis.source, p.position), support);
  if (analysis.language === "triton") return hoverFor(tritonHover(document, analysis, p.position), support);
  // A kernel's hover ends with where its resources came from: ptxas (exact) or the model (estimated), and why.
  return hoverFor(compiles.extendHover(cudaHover(document, analysis, p.position), document, analysis, p.position, await settings.get(p.textDocument.uri)), support);
});
// Navigation and completion are WGSL's only: a CUDA or Python document is answered at once, without waiting for its
// analysis, so the C++ and Python extensions' answers are never held up or joined by KernelLens's.
connection.onDefinition(async (p, token) => {
  if (languageOf(p.textDocument.uri) !== "wgsl") return null;
  const state = await analysed(p.textDocument.uri, token);
  return state?.analysis.language === "wgsl" ? definition(state.document, state.analysis.source, p.position) : null;
});
connection.onReferences(async (p, token) => {
  if (languageOf(p.textDocument.uri) !== "wgsl") return [];
  const state = await analysed(p.textDocument.uri, token);
  return state?.analysis.language === "wgsl" ? references(state.document, state.analysis.source, p.position, p.context.includeDeclaration) : [];
});
connection.onCompletion(async (p, token) => {
  if (languageOf(p.textDocument.uri) !== "wgsl") return [];
  const state = await analysed(p.textDocument.uri, token);
  return state?.analysis.language === "wgsl" ? completionFor(completion(state.document, state.analysis.source, p.position), support) : [];
});
// Lenses and hints show the cost model: a large document has none, so they answer at once without waiting for its parse.
connection.onCodeLens(async (p, token) => {
  if (!analyses.reads(p.textDocument.uri) || analyses.modeOf(p.textDocument.uri) !== "full" || !(await settings.get(p.textDocument.uri)).codeLens) return [];
  const state = await analysed(p.textDocument.uri, token);
  if (!state || state.mode !== "full") return [];
  return state.analysis.language === "triton" ? tritonCodeLenses(state.document, state.analysis) : codeLenses(state.document, modelledSource(state.analysis));
});
connection.onCodeAction(async (p, token) => {
  if (!analyses.reads(p.textDocument.uri) || analyses.modeOf(p.textDocument.uri) !== "full" || languageOf(p.textDocument.uri) === "cuda") return [];
  const state = await analysed(p.textDocument.uri, token);
  if (!state || state.mode !== "full") return [];
  if (state.analysis.language === "triton") return tritonCodeActions(state.document, state.analysis, p.range);
  return state.analysis.language === "wgsl" ? codeActions(state.document, state.analysis.source, p.range) : [];
});
connection.languages.inlayHint.on(async (p, token) => {
  if (!analyses.reads(p.textDocument.uri)) return [];
  const s = await settings.get(p.textDocument.uri);
  if (analyses.modeOf(p.textDocument.uri) !== "full" || !s.inlayHints) return [];
  const state = await analysed(p.textDocument.uri, token);
  if (!state || state.mode !== "full") return [];
  // SASS instructions per line, from the last compile of exactly this text (kernellens.inlayHints.sass). They share
  // the end of a loop header's line, and VS Code's length limit counts a line's hints together: the loop hint leaves
  // room for the longest SASS label.
  const sass = s.sassInlayHints && state.analysis.language === "cuda";
  const hints = inlayHints(state.document, modelledSource(state.analysis), p.range, sass ? INLAY_HINT_MAX_LENGTH - "9999 SASS".length : INLAY_HINT_MAX_LENGTH);
  return sass ? [...hints, ...compiles.sassHints(state.document, p.range, s)] : hints;
});
connection.onRequest(DocumentKernelsRequest, async (p: DocumentKernelsParams, token): Promise<DocumentKernelsResult> => {
  if (!p || typeof p.uri !== "string") return { uri: "", defines: [], kernels: [], diagnostics: { errors: 0, warnings: 0, infos: 0 } };
  // Tint's start (loading Dawn) is waited for longer than an analysis: it happens once. CUDA does not use it.
  if (languageOf(p.uri) === "wgsl") await within(tintReady ?? Promise.resolve(), token, TINT_START_DEADLINE_MS, "Tint");
  // A refused document answers with no kernels and its one diagnostic, so the panel can say why.
  const state = await within(analyses.current(p.uri), token, REQUEST_DEADLINE_MS, p.uri);
  return kernelsResult(p.uri, state);
});

connection.onRequest(RooflineRequest, async (p: RooflineParams, token): Promise<RooflineResult> => {
  const uri = p && typeof p.uri === "string" ? p.uri : undefined;
  const state = uri ? await analysed(uri, token) : undefined;
  // This machine's calibrated adapters join the device list, so the panel can model on a measured profile too.
  return answerRoofline(p, state, measuredDevices(), state ? modelOffReason(state.mode) : undefined);
});

connection.onRequest(TritonDesignSpaceRequest, async (p: TritonDesignSpaceParams, token): Promise<TritonDesignSpaceResult> => {
  const uri = p && typeof p.uri === "string" ? p.uri : "";
  const state = uri ? await analysed(uri, token) : undefined;
  if (!state || state.mode !== "full" || state.analysis.language !== "triton") return { uri, designs: [] };
  const analysis = state.analysis;
  const file = URI.parse(uri).scheme === "file" ? URI.parse(uri).fsPath : uri;
  const names = typeof p.function === "string" ? [p.function] : [...tritonFunctions(analysis).keys()];
  return { uri, designs: names.flatMap((fn) => {
    const result = tritonDesignSpace(analysis, fn, file);
    return result ? [{ function: fn, result }] : [];
  }) };
});

connection.onShutdown(() => {
  headerChanges.dispose();
  compiles.dispose();
  tritonCompiles.dispose();
});

documents.listen(connection);
connection.listen();
