// What Triton's compiler says about one kernel and configuration, read into `TritonCompiledKernel`: from the reply of
// KernelLens's helper (server/python/triton_compile.py: `triton.compile` with the user's Python, no GPU) or from a
// kernel Triton compiled earlier and left in its cache (`~/.triton/cache/<hash>/<name>.json` beside `<name>.cubin`).
//
// Shared memory and num_warps come from Triton's metadata (`shared` is what the launcher asks the driver for: Triton
// allocates all its shared memory dynamically, so the cubin's `.nv.shared` says nothing). Registers and spills come
// from the cubin (core/cuda/cubinResources.ts): Triton's own `n_regs`/`n_spills` are filled in by the CUDA driver
// when the binary loads, so they need a GPU. `spills` here is the kernel's local memory per thread in bytes (the stack
// frame, where spilled registers go: what the driver reports as CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES); Triton's own
// `n_spills` is that divided by 4. A Triton kernel has no local arrays, so a nonzero frame is spilling.
//
// The cache's metadata is JSON Triton writes with `json.dumps(metadata)` (python/triton/compiler/compiler.py,
// `compile`: the hash, the target as {backend, arch, warp_size}, every backend option (num_warps, num_stages,
// num_ctas, ...), then what the stages add: `name` (the PTX entry), `shared`). Triton 3.x does not record the
// constexprs' values there; Triton 2.x did (`constants`). So a cached kernel matches a configuration by function
// name, num_warps, num_stages and architecture, and by constexprs only where the metadata has them.
//
// Pure: no I/O, never throws.
import { cubinResources } from "../cuda/cubinResources";
import { configKey, type TritonCompiledKernel, type TritonConfig } from "./types";

/** The helper's answer for one compile. */
export type TritonCompileReply =
  | {
      readonly ok: true;
      readonly tritonVersion: string;
      /** Which ASTSource form this Triton accepted (they changed within 3.x). */
      readonly convention: string;
      /** The kernel's entry name in the cubin. */
      readonly name: string;
      readonly shared: number;
      readonly numWarps: number;
      readonly numStages: number;
      readonly arch: number | null;
      readonly cubin: Uint8Array | null;
      /** Triton's cache key of the compile, where it said. */
      readonly hash: string | null;
    }
  | {
      /** `no-triton`: Python has no (usable) Triton; `bad-request`, `source`: what KernelLens sent; `compile`: Triton's error. */
      readonly ok: false;
      readonly kind: "no-triton" | "bad-request" | "source" | "compile" | "malformed";
      readonly message: string;
      readonly tritonVersion?: string;
      /** The ASTSource forms tried and why each failed. */
      readonly attempts: readonly { readonly convention: string; readonly error: string }[];
    };

/** One `<name>.json` of Triton's cache, read. */
export interface TritonCacheMetadata {
  /** The PTX entry name (`add_kernel`; Triton 2.x added a specialisation suffix, `add_kernel_0d1d2d3de`). */
  readonly name: string;
  readonly numWarps: number;
  readonly numStages: number;
  readonly shared: number;
  /** `cuda` (or `hip`); null where the metadata does not say (Triton 2.x). */
  readonly backend: string | null;
  /** The compute capability compiled for (90), or null where it does not say or is not a number (AMD's gfx names). */
  readonly arch: number | null;
  /** Constexpr values by name, where the metadata records them (Triton 2.x); null otherwise. */
  readonly constants: ReadonlyMap<string, number | boolean | string> | null;
  readonly hash: string | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const whole = (v: unknown): number | null => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : null);

function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Base64 to bytes (atob is global in Node 16+ and every browser); null when the text is not base64. */
export function decodeBase64(text: string): Uint8Array | null {
  const clean = text.replace(/\s+/g, "");
  if (clean.length % 4 !== 0 || !BASE64.test(clean)) return null;
  try {
    const binary = atob(clean);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/** The helper's stdout as a reply; anything else (no JSON, a traceback) is `malformed`. */
export function parseCompileReply(stdout: unknown): TritonCompileReply {
  const v = parseJson(typeof stdout === "string" ? stdout.trim() : stdout);
  const malformed = (why: string): TritonCompileReply => ({ ok: false, kind: "malformed", message: `the Triton helper's reply ${why}`, attempts: [] });
  if (!isRecord(v)) return malformed("is not a JSON object");
  const attempts = Array.isArray(v.attempts)
    ? v.attempts.filter(isRecord).map((a) => ({ convention: String(a.convention ?? "?"), error: String(a.error ?? "") }))
    : [];
  const version = typeof v.tritonVersion === "string" ? v.tritonVersion : undefined;
  if (v.ok !== true) {
    const kinds = ["no-triton", "bad-request", "source", "compile"] as const;
    const kind = kinds.find((k) => k === v.kind) ?? "malformed";
    const message = typeof v.message === "string" && v.message !== "" ? v.message : "the Triton helper failed without saying why";
    return { ok: false, kind, message, attempts, ...(version ? { tritonVersion: version } : {}) };
  }
  const shared = whole(v.shared);
  const numWarps = whole(v.numWarps);
  const numStages = whole(v.numStages);
  if (shared === null) return malformed("has no shared memory size");
  if (numWarps === null || numWarps === 0) return malformed("has no num_warps");
  const target = isRecord(v.target) ? v.target : {};
  let cubin: Uint8Array | null = null;
  if (typeof v.cubinBase64 === "string") {
    cubin = decodeBase64(v.cubinBase64);
    if (!cubin) return malformed("has a cubin that is not base64");
  }
  return {
    ok: true,
    tritonVersion: version ?? "unknown",
    convention: typeof v.convention === "string" ? v.convention : "unknown",
    name: typeof v.name === "string" && v.name !== "" ? v.name : "",
    shared,
    numWarps,
    numStages: numStages ?? 0,
    arch: whole(target.arch),
    cubin,
    hash: typeof v.hash === "string" ? v.hash : null,
  };
}

/** One cache `<name>.json`, or why it is not Triton kernel metadata. */
export function parseCacheMetadata(json: unknown): TritonCacheMetadata | { readonly error: string } {
  const v = parseJson(json);
  if (!isRecord(v)) return { error: "not a JSON object" };
  const name = typeof v.name === "string" && v.name !== "" ? v.name : null;
  const numWarps = whole(v.num_warps);
  const shared = whole(v.shared);
  if (name === null) return { error: "no kernel name (not a compiled kernel's metadata)" };
  if (numWarps === null || numWarps === 0) return { error: "no num_warps" };
  if (shared === null) return { error: "no shared memory size" };
  const target = isRecord(v.target) ? v.target : null;
  let constants: Map<string, number | boolean | string> | null = null;
  if (isRecord(v.constants)) {
    constants = new Map();
    for (const [k, c] of Object.entries(v.constants)) if (typeof c === "number" || typeof c === "boolean" || typeof c === "string") constants.set(k, c);
  }
  return {
    name,
    numWarps,
    numStages: whole(v.num_stages) ?? 0,
    shared,
    backend: target && typeof target.backend === "string" ? target.backend : null,
    arch: target ? whole(target.arch) : null,
    constants,
    hash: typeof v.hash === "string" ? v.hash : null,
  };
}

/** Whether a compiled entry name is the function's: the name itself, or Triton 2.x's `name_0d1d2c3de` suffix. */
export function entryNameMatches(entry: string, fn: string): boolean {
  if (entry === fn) return true;
  return entry.startsWith(`${fn}_`) && /^(?:\d+[a-z]*)+$/.test(entry.slice(fn.length + 1));
}

/** Registers and local memory bytes per thread (`spills`; Triton's n_spills x 4) of the kernel `entry` in `cubin`. */
export function registersFromCubin(cubin: Uint8Array, entry: string): { readonly registers: number; readonly spills: number; readonly sm: number | null } | { readonly error: string } {
  const read = cubinResources(cubin);
  if ("error" in read) return read;
  const k = read.kernels.find((x) => x.name === entry) ?? (read.kernels.length === 1 ? read.kernels[0] : undefined);
  if (!k) return { error: `the cubin has no kernel named ${entry} (it has ${read.kernels.map((x) => x.name).join(", ") || "none"})` };
  if (k.registers === null) return { error: `the cubin does not say how many registers ${k.name} uses` };
  return { registers: k.registers, spills: k.frameBytes ?? 0, sm: read.sm };
}

type Config = Pick<TritonConfig, "constexprs" | "numWarps" | "numStages">;

/** A successful compile reply as the analysis's compiled kernel (registers from its cubin), or why it cannot be one. */
export function compiledFromReply(reply: TritonCompileReply, fn: string, config: Config): TritonCompiledKernel | { readonly error: string } {
  if (!reply.ok) return { error: reply.message };
  if (!reply.cubin) return { error: "Triton returned no cubin, so registers are not known" };
  const regs = registersFromCubin(reply.cubin, reply.name || fn);
  if ("error" in regs) return regs;
  const arch = reply.arch ?? regs.sm;
  return {
    function: fn,
    configKey: configKey(config),
    sharedBytes: reply.shared,
    registersPerThread: regs.registers,
    spills: regs.spills,
    numWarps: reply.numWarps,
    source: `triton.compile (Triton ${reply.tritonVersion}) for sm_${arch ?? "?"}; registers from the cubin`,
  };
}

/** One kernel found in Triton's cache: its metadata, its cubin's bytes (null when absent) and where it was found. */
export interface CachedTritonKernel {
  readonly metadata: TritonCacheMetadata;
  readonly cubin: Uint8Array | null;
  /** The metadata file, for the `source` text (`~/.triton/cache/<hash>/kernel.json`). */
  readonly path: string;
}

export type CacheMatch = { readonly kernel: TritonCompiledKernel } | { readonly none: string };

/**
 * The cached compile of `fn` for `config`, for the compute capability `arch` (null: any). `configs` are all the
 * configurations of `fn` being analysed: where the cache does not record constexprs (Triton 3.x), an entry is used
 * only when it is the one cached compile with this num_warps/num_stages and `config` the one analysed configuration
 * with them, since nothing else could tell which constexprs it was compiled for.
 */
export function matchCachedKernel(entries: readonly CachedTritonKernel[], fn: string, config: Config, configs: readonly Config[], arch: number | null): CacheMatch {
  const same = entries.filter(
    (e) =>
      entryNameMatches(e.metadata.name, fn) &&
      e.metadata.numWarps === config.numWarps &&
      e.metadata.numStages === config.numStages &&
      (arch === null || e.metadata.arch === null || e.metadata.arch === arch) &&
      (e.metadata.backend === null || e.metadata.backend === "cuda"),
  );
  const where = `num_warps ${config.numWarps}, num_stages ${config.numStages}${arch !== null ? `, sm_${arch}` : ""}`;
  if (same.length === 0) return { none: `no cached compile of ${fn} with ${where}` };
  const recorded = same.filter((e) => e.metadata.constants !== null);
  const verified = recorded.filter((e) => config.constexprs.every((c) => e.metadata.constants!.get(c.name) === c.value));
  let chosen: CachedTritonKernel | undefined;
  let unverified = false;
  if (verified.length > 0) chosen = verified[0];
  else {
    const unrecorded = same.filter((e) => e.metadata.constants === null);
    const siblings = configs.filter((c) => c.numWarps === config.numWarps && c.numStages === config.numStages);
    if (unrecorded.length === 0) return { none: `the cached compiles of ${fn} with ${where} are for other constexprs` };
    if (unrecorded.length > 1) return { none: `${unrecorded.length} cached compiles of ${fn} with ${where}, and Triton's cache does not record their constexprs` };
    if (siblings.length > 1) return { none: `${siblings.length} configurations of ${fn} have ${where}, and Triton's cache does not record which one it compiled` };
    chosen = unrecorded[0];
    unverified = true;
  }
  const m = chosen!.metadata;
  if (!chosen!.cubin) return { none: `${chosen!.path} has no cubin beside it, so registers are not known` };
  const regs = registersFromCubin(chosen!.cubin, m.name);
  if ("error" in regs) return { none: `${chosen!.path}: ${regs.error}` };
  return {
    kernel: {
      function: fn,
      configKey: configKey(config),
      sharedBytes: m.shared,
      registersPerThread: regs.registers,
      spills: regs.spills,
      numWarps: m.numWarps,
      source: `${chosen!.path} (Triton's cache${unverified ? "; it does not record constexprs, matched by num_warps and num_stages" : ""}); registers from its cubin`,
    },
  };
}
