// The server's view of the `kernellens.*` settings, fetched per document and cached until they change.
import type { Connection } from "vscode-languageserver";
import { DEFAULT_DEVICE_ID } from "../core/devices/database";
import { DEFAULT_ASSUMED_PROBLEM_SIZE } from "../core/kernel/inferLaunch";

export interface ServerSettings {
  readonly tintEnable: boolean;
  readonly debounceMs: number;
  readonly defines: readonly string[];
  readonly includePaths: readonly string[];
  readonly device: string;
  readonly codeLens: boolean;
  readonly inlayHints: boolean;
  /**
   * Workspace Trust, which the VS Code client adds to the settings it sends (client/src/workspaceBoundary.ts): without
   * it, `#include` reads only inside the workspace folders. Other editors may set `kernellens.workspaceTrusted`.
   */
  readonly workspaceTrusted: boolean;
  /** Elements of the problem assumed where the file states no size (`kernellens.assumedProblemSize`). */
  readonly assumedProblemSize: number;
  /** Compile CUDA documents with nvcc in the background for exact resources (`kernellens.cuda.compile`). */
  readonly cudaCompile: boolean;
  /** The nvcc to run (`kernellens.cuda.nvccPath`); empty: PATH, CUDA_PATH, CUDA_HOME, /usr/local/cuda/bin. */
  readonly cudaNvccPath: string;
  /** nvcc flags used instead of compile_commands.json's (`kernellens.cuda.flags`); empty: compile_commands.json. */
  readonly cudaFlags: readonly string[];
  /** Quiet milliseconds after the last edit before nvcc runs (`kernellens.cuda.compileDebounceMs`). */
  readonly cudaCompileDebounceMs: number;
  /** SASS instructions per source line as inlay hints (`kernellens.inlayHints.sass`). */
  readonly sassInlayHints: boolean;
  /** The background compile also compiles to PTX and cross-checks the model's FLOPs (`kernellens.cuda.ptxCheck`). */
  readonly cudaPtxCheck: boolean;
  /** Compile Triton kernels with the user's Triton, and read Triton's cache, for exact resources (`kernellens.triton.compile`). */
  readonly tritonCompile: boolean;
  /** The Python whose Triton compiles (`kernellens.triton.pythonPath`); empty: the Python extension's interpreter. */
  readonly tritonPythonPath: string;
  /** The interpreter the Python extension has selected, which the VS Code client passes (`kernellens.triton.selectedInterpreter`). */
  readonly tritonSelectedInterpreter: string;
}

export const defaultSettings: ServerSettings = { tintEnable: true, debounceMs: 30, defines: [], includePaths: [], device: DEFAULT_DEVICE_ID, codeLens: true, inlayHints: true, workspaceTrusted: false, assumedProblemSize: DEFAULT_ASSUMED_PROBLEM_SIZE, cudaCompile: true, cudaNvccPath: "", cudaFlags: [], cudaCompileDebounceMs: 1000, sassInlayHints: false, cudaPtxCheck: true, tritonCompile: true, tritonPythonPath: "", tritonSelectedInterpreter: "" };

/** A whole number of elements from 1 to 2^40; anything else (a string, 0, NaN) is the default. */
function problemSize(v: unknown): number {
  return typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 2 ** 40 ? v : DEFAULT_ASSUMED_PROBLEM_SIZE;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** Reads the raw `kernellens` section defensively: a hand-edited settings.json may hold anything. */
export function parseSettings(raw: unknown): ServerSettings {
  const r = (raw && typeof raw === "object" ? raw : {}) as Record<string, Record<string, unknown> | undefined>;
  const debounce = r.diagnostics?.debounceMs;
  return {
    tintEnable: typeof r.tint?.enable === "boolean" ? r.tint.enable : defaultSettings.tintEnable,
    debounceMs: typeof debounce === "number" && Number.isFinite(debounce) ? Math.min(Math.max(debounce, 0), 2000) : defaultSettings.debounceMs,
    defines: strings(r.preprocessor?.defines),
    includePaths: strings(r.preprocessor?.includePaths),
    device: typeof (r as Record<string, unknown>).device === "string" ? ((r as Record<string, unknown>).device as string) : defaultSettings.device,
    codeLens: typeof r.codeLens?.enable === "boolean" ? r.codeLens.enable : true,
    inlayHints: typeof r.inlayHints?.enable === "boolean" ? r.inlayHints.enable : true,
    workspaceTrusted: (r as Record<string, unknown>).workspaceTrusted === true,
    assumedProblemSize: problemSize((r as Record<string, unknown>).assumedProblemSize),
    cudaCompile: r.cuda?.compile !== false && r.cuda?.compile !== "off",
    cudaNvccPath: typeof r.cuda?.nvccPath === "string" ? r.cuda.nvccPath.trim() : "",
    cudaFlags: strings(r.cuda?.flags),
    cudaCompileDebounceMs: typeof r.cuda?.compileDebounceMs === "number" && Number.isFinite(r.cuda.compileDebounceMs) ? Math.min(Math.max(r.cuda.compileDebounceMs, 0), 60_000) : defaultSettings.cudaCompileDebounceMs,
    sassInlayHints: r.inlayHints?.sass === true,
    cudaPtxCheck: r.cuda?.ptxCheck !== false && r.cuda?.ptxCheck !== "off",
    tritonCompile: r.triton?.compile !== false && r.triton?.compile !== "off",
    tritonPythonPath: typeof r.triton?.pythonPath === "string" ? r.triton.pythonPath.trim() : "",
    tritonSelectedInterpreter: typeof r.triton?.selectedInterpreter === "string" ? r.triton.selectedInterpreter.trim() : "",
  };
}

export class SettingsCache {
  private readonly cache = new Map<string, Promise<ServerSettings>>();

  constructor(
    private readonly connection: Connection,
    private readonly supported: () => boolean,
  ) {}

  get(uri: string): Promise<ServerSettings> {
    if (!this.supported()) return Promise.resolve(defaultSettings);
    let s = this.cache.get(uri);
    if (!s) {
      s = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: "kernellens" })
        .then(parseSettings, () => defaultSettings);
      this.cache.set(uri, s);
    }
    return s;
  }

  clear(): void {
    this.cache.clear();
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}
