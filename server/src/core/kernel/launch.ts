// Resolves one kernel's launch: the sizes, dispatch, overrides, uniform fields and buffer lengths a run or a
// prediction uses, from the kernel IR and the launch directives that apply to it.
//
// This is the one place a launch is worked out: the cost model, run planning, the sweep space and the sweep cache
// key all take it from here (through the front-end's `launchOf`), so they cannot disagree about a size.
import type { CoreDiagnostic } from "../diagnostic";
import type { Directive } from "../directives/directives";
import { evaluateDExpr, type Env } from "../directives/expr";
import { evaluateLaunch, type LaunchValues } from "../directives/launch";
import { type Assumption, DEFAULT_ASSUMED_PROBLEM_SIZE, inferLaunch } from "./inferLaunch";
import type { KernelIR, LaunchParam } from "./ir";
import { bin, call, cst, un, unknown, unknownReason, type VExpr, varsOf } from "./vexpr";

/** The concrete launch the model evaluates a kernel's IR under. */
export interface LaunchInput {
  readonly workgroupSize: readonly [number, number, number];
  readonly dispatch: readonly [number, number, number];
  /**
   * Values of names a kernel can read at launch: overrides, buffer lengths, and by binding then field the uniform
   * fields and the values of a `// @buffer NAME = [...]` list (field `[k]`, the k-th scalar).
   */
  readonly overrides: ReadonlyMap<string, number>;
  readonly uniforms: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly bufferCounts: ReadonlyMap<string, number>;
  /** Texture sizes in texels (width, height, depth) from `// @texture`. */
  readonly textureSizes?: ReadonlyMap<string, readonly [number, number, number]>;
  /** The target device's subgroup (warp, wavefront) width: `subgroup_size` for this model. */
  readonly subgroupSize?: number;
}

/** Where a launch value came from: a directive, the command line or a sweep point, the code itself, or a default. */
export type SizeSource = "directive" | "given" | "code" | "assumed";

/** One size the launch depends on, with where its value came from. */
export interface LaunchSize {
  /** `workgroupSize`, `dispatch`, a directive name (`N`, `TILE`), or `buffer x` for a buffer's element count. */
  readonly name: string;
  readonly value: number | readonly number[];
  readonly source: SizeSource;
}

export interface ResolvedLaunch {
  /** Null when the workgroup size or the dispatch is unknown: nothing launch-dependent can be counted. */
  readonly input: LaunchInput | null;
  readonly workgroupSize: readonly [number, number, number] | null;
  readonly dispatch: readonly [number, number, number] | null;
  /** Byte size of each binding's buffer where known. */
  readonly bufferBytes: ReadonlyMap<string, number>;
  readonly unknowns: { what: string; reason: string }[];
  /** The directives that apply to the kernel, in order. */
  readonly directives: readonly Directive[];
  /** Every name directive expressions may use: @let values, overrides, sweep parameters, numeric defines. */
  readonly env: Env;
  readonly overrides: ReadonlyMap<string, number>;
  readonly buffers: LaunchValues["buffers"];
  /** Problems found while evaluating the directives, located at them. */
  readonly problems: readonly CoreDiagnostic[];
  /** Every size the launch depends on, with where its value came from. */
  readonly sizes: readonly LaunchSize[];
  /** What no directive gave and was inferred from the code or assumed (empty unless inference was asked for). */
  readonly assumptions: readonly Assumption[];
  /** Set when inference was asked for: the problem size assumptions are made from. */
  readonly problemSize?: number;
}

/** The launch parameter that holds a launch's dynamic shared memory in bytes (CUDA's `extern __shared__` arrays). */
export const DYNAMIC_SHARED_PARAM = "@smem";

/**
 * What a launch written in host code gives (CUDA's `kernel<<<grid, block, smem>>>(args)`), for kernels whose launch,
 * not the kernel, decides the block size. Directives win over it (they are the author's explicit choice for the
 * analysis), and the command line wins over both.
 */
export interface LaunchSite {
  /** Threads per block and blocks per grid (x, y, z), where the site's expressions have values. */
  readonly block?: readonly [number, number, number];
  readonly dispatch?: readonly [number, number, number];
  /**
   * The grid as the site writes it over the kernel's own parameters (`CEIL_DIV(N, 128)` where N is passed as the
   * kernel's `n`): evaluated once the parameters have values, inferred or assumed ones included.
   */
  readonly dispatchExpr?: readonly [VExpr, VExpr, VExpr];
  /** Values of named launch parameters the site passes: kernel arguments, template values, DYNAMIC_SHARED_PARAM. */
  readonly values?: ReadonlyMap<string, number>;
  /** Element counts of the buffers the site passes (from their allocations), by binding. */
  readonly bufferCounts?: ReadonlyMap<string, number>;
  /** The block size where neither a directive nor the site gives one: from the code (`__launch_bounds__`) or assumed. */
  readonly fallbackBlock?: { readonly value: readonly [number, number, number]; readonly source: "code" | "assumed"; readonly reason: string };
  /** Named parameters assumed where nothing gives them (dynamic shared memory), with why. */
  readonly fallbackValues?: readonly { readonly name: string; readonly value: number; readonly reason: string }[];
  /** How the front-end's language writes the directive that sets a named parameter (`// @arg n = 4096`). */
  readonly directiveFor?: (name: string, value: number | readonly number[]) => string | undefined;
}

export interface LaunchOptions {
  /** Values from the command line (`--let N=4096`) or a sweep point: they win over directives. */
  readonly given?: ReadonlyMap<string, number>;
  /** Names known before any directive, such as numeric preprocessor defines. */
  readonly base?: ReadonlyMap<string, number>;
  readonly subgroupSize?: number;
  /**
   * Infer what no directive gives (the dispatch from bounds guards, assumed values for unset parameters), for the
   * model. Runs leave it off: they execute only what the file states.
   */
  readonly infer?: { readonly problemSize?: number };
  /** The launch host code gives (CUDA): block size, grid, argument values, buffer sizes. */
  readonly site?: LaunchSite;
}

/** Evaluates an IR size expression with override values (and their defaults) in place; undefined when not constant. */
export function launchConstant(ir: KernelIR, e: VExpr, overrides: ReadonlyMap<string, number>, depth = 0): number | undefined {
  const v = substituteOverrides(ir, e, overrides, depth);
  return v.k === "const" ? v.v : undefined;
}

function substituteOverrides(ir: KernelIR, e: VExpr, overrides: ReadonlyMap<string, number>, depth: number): VExpr {
  switch (e.k) {
    case "const":
    case "unknown":
      return e;
    case "var": {
      const p = ir.params.get(e.name);
      if (!p || p.kind !== "override") return unknown(e.name);
      const v = overrides.get(p.name);
      if (v !== undefined) return cst(v);
      return p.default && depth < 16 ? substituteOverrides(ir, p.default, overrides, depth + 1) : unknown(`override '${p.name}' has no value`);
    }
    case "un":
      return un(e.op, substituteOverrides(ir, e.a, overrides, depth));
    case "call":
      return call(e.fn, e.args.map((a) => substituteOverrides(ir, a, overrides, depth)));
    case "bin":
      return bin(e.op, substituteOverrides(ir, e.a, overrides, depth), substituteOverrides(ir, e.b, overrides, depth), e.int);
  }
}

/** Why the workgroup size has no value: a name nothing defines (a template placeholder), or an override without one. */
function workgroupSizeReason(ir: KernelIR, overrides: ReadonlyMap<string, number>): string {
  for (const e of ir.launch.workgroupSize ?? []) {
    const missing = /^undefined name '(.+)'$/.exec(unknownReason(substituteOverrides(ir, e, overrides, 0)) ?? "")?.[1];
    if (missing) return `it uses '${missing}', which nothing defines (a template placeholder or a macro left without a value?): give it one with // @define ${missing}=256`;
  }
  return "it names an override without a value: give it a default or a // @override line";
}

export function resolveLaunch(ir: KernelIR, directives: readonly Directive[], options: LaunchOptions = {}): ResolvedLaunch {
  const unknowns: { what: string; reason: string }[] = [];
  const site = options.site;
  const defaults = site?.values ? new Map([...ir.launch.overrideDefaults, ...site.values]) : ir.launch.overrideDefaults;
  const evaluated = evaluateLaunch(directives, defaults, options.given ?? new Map(), options.base ?? new Map());
  const launch = { ...evaluated, overrides: new Map(evaluated.overrides) };
  const siteAssumptions: Assumption[] = [];
  if (site) {
    // A launch-decided kernel's parameters are named by the code (`n`, `BLOCK`): the command line sets them directly.
    for (const [name, v] of options.given ?? []) if (ir.params.get(`override.${name}`)?.kind === "override") launch.overrides.set(name, v);
    if (launch.smem !== undefined) launch.overrides.set(DYNAMIC_SHARED_PARAM, launch.smem);
    for (const f of site.fallbackValues ?? []) {
      if (launch.overrides.has(f.name) || !ir.params.has(`override.${f.name}`)) continue;
      launch.overrides.set(f.name, f.value);
      siteAssumptions.push({ name: f.name, value: f.value, source: "assumed", reason: f.reason, directive: site.directiveFor?.(f.name, f.value) ?? `// @override ${f.name} = ${f.value}` });
    }
  }

  let workgroupSize: [number, number, number] | null = null;
  let blockSource: SizeSource | undefined;
  if (ir.launch.workgroupSize) {
    const dims = ir.launch.workgroupSize.map((e) => launchConstant(ir, e, launch.overrides));
    if (dims.every((d): d is number => d !== undefined)) workgroupSize = [dims[0], dims[1], dims[2]];
    else unknowns.push({ what: "workgroup size", reason: workgroupSizeReason(ir, launch.overrides) });
  } else if (launch.block) {
    workgroupSize = [...launch.block];
    blockSource = "directive";
  } else if (site?.block) {
    workgroupSize = [...site.block];
    blockSource = "code";
  } else if (site?.fallbackBlock && options.infer) {
    workgroupSize = [...site.fallbackBlock.value];
    blockSource = site.fallbackBlock.source;
    const v = site.fallbackBlock.value;
    siteAssumptions.push({ name: "block", value: v, source: site.fallbackBlock.source, reason: site.fallbackBlock.reason, directive: site.directiveFor?.("block", v) ?? `// @block ${v.join(", ")}`, sizesWorkgroup: true });
  } else {
    unknowns.push({ what: "workgroup size", reason: ir.launch.workgroupSizeMissing ?? "the kernel has no workgroup size" });
  }
  const dispatch = launch.dispatch ?? (site?.dispatch ? [...site.dispatch] as [number, number, number] : null);
  const dispatchSource: SizeSource = launch.dispatch ? "directive" : "code";
  if (!dispatch) unknowns.push({ what: "dispatch", reason: site ? "no launch of this kernel in the file gives its grid: add // @grid X[, Y[, Z]] above the kernel or pass --let values" : "no // @dispatch for this entry point: add one (e.g. // @dispatch ceil(N / 256)) or pass --let values" });

  const uniforms = new Map<string, Map<string, number>>();
  for (const d of directives) {
    if (d.kind !== "uniform") continue;
    const fields = new Map<string, number>();
    for (const f of d.fields) {
      const v = evaluateDExpr(f.expr, launch.env);
      if (typeof v === "number") fields.set(f.name.name, v);
    }
    uniforms.set(d.name.name, fields);
  }
  // One value for a vector or array member (`dims: 4`) fills every component the kernel reads, as a run writes it.
  for (const p of ir.params.values()) {
    if (p.kind !== "uniform" || !p.list) continue;
    const fields = uniforms.get(p.binding);
    const whole = fields?.get(p.list.member || "value");
    if (fields && whole !== undefined && !fields.has(p.field)) fields.set(p.field, whole);
  }
  // A read-only buffer's list values are sizes the kernel reads (`info[0]`), addressed like uniform list members.
  for (const [name, b] of launch.buffers) {
    if (b.values) uniforms.set(name, new Map(b.values.flatMap((v, k): [string, number][] => (v === undefined ? [] : [[`[${k}]`, v]]))));
  }
  const bufferCounts = new Map<string, number>();
  for (const [name, b] of launch.buffers) if (b.count !== undefined) bufferCounts.set(name, b.count);
  const siteBuffers = new Set<string>();
  for (const [name, n] of site?.bufferCounts ?? []) {
    if (bufferCounts.has(name)) continue;
    bufferCounts.set(name, n);
    siteBuffers.add(name);
  }
  const bufferBytes = new Map<string, number>();
  for (const b of ir.bindings) {
    const count = bufferCounts.get(b.name);
    if (b.runtimeArray) {
      if (count !== undefined) bufferBytes.set(b.name, b.runtimeArray.headerBytes + count * b.runtimeArray.strideBytes);
    } else if (b.bytes) {
      const size = launchConstant(ir, b.bytes, launch.overrides);
      if (size !== undefined) bufferBytes.set(b.name, size);
    } else if (b.texture) {
      const t = launch.textures.get(b.name);
      if (t) bufferBytes.set(b.name, t.size[0] * t.size[1] * t.size[2] * b.texture.texelBytes);
    }
  }
  const textureSizes = new Map<string, readonly [number, number, number]>();
  for (const [name, t] of launch.textures) textureSizes.set(name, t.size);
  // Provenance: a name a directive sets is the directive's (unless given), an override's default is the code's.
  const given = options.given ?? new Map<string, number>();
  const written = new Set(directives.flatMap((d) => (d.kind === "let" || d.kind === "override" || d.kind === "sweep" || d.kind === "define" ? [d.name.name] : [])));
  const sourceOf = (name: string): SizeSource => (given.has(name) ? "given" : written.has(name) ? "directive" : "code");
  const sizes: LaunchSize[] = [];
  for (const [name, value] of launch.env) sizes.push({ name, value, source: sourceOf(name) });
  if (workgroupSize && blockSource) sizes.push({ name: "workgroupSize", value: workgroupSize, source: blockSource });
  else if (workgroupSize) {
    const named = new Set(ir.launch.workgroupSize!.flatMap((e) => [...varsOf(e)].map((v) => ir.params.get(v)).flatMap((p) => (p?.kind === "override" ? [p.name] : []))));
    const from = [...named].map(sourceOf);
    sizes.push({ name: "workgroupSize", value: workgroupSize, source: from.includes("given") ? "given" : from.includes("directive") ? "directive" : "code" });
  }
  if (dispatch) sizes.push({ name: "dispatch", value: dispatch, source: dispatchSource });
  for (const [name, count] of bufferCounts) sizes.push({ name: `buffer ${name}`, value: count, source: siteBuffers.has(name) ? "code" : "directive" });
  for (const [name, t] of launch.textures) sizes.push({ name: `texture ${name}`, value: t.size, source: "directive" });
  let finalDispatch = dispatch;
  const overrides = new Map(launch.overrides);
  let assumptions: readonly Assumption[] = [];
  if (options.infer) {
    const valueOf = (p: LaunchParam): number | undefined => {
      switch (p.kind) {
        case "override": return launchConstant(ir, { k: "var", name: p.v }, launch.overrides);
        case "uniform": return uniforms.get(p.binding)?.get(p.field);
        case "bufferLength": return bufferCounts.get(p.binding);
        case "textureSize": return textureSizes.get(p.binding)?.[p.dim];
        case "stored": return uniforms.get(p.binding)?.get(`[${p.index}]`);
      }
    };
    const siteGrid = !dispatch && site?.dispatchExpr ? site.dispatchExpr : undefined;
    let inferred = inferLaunch(ir, { valueOf, workgroupSize, dispatchGiven: dispatch !== null || !!siteGrid, problemSize: options.infer.problemSize, subgroupSize: options.subgroupSize });
    if (!workgroupSize && ir.launch.workgroupSize && inferred.overrides.size > 0) {
      // An override sizing the workgroup had no value: with the assumed one the workgroup size, then the dispatch, follow.
      const withAssumed = new Map([...launch.overrides, ...inferred.overrides]);
      const dims = ir.launch.workgroupSize.map((e) => launchConstant(ir, e, withAssumed));
      if (dims.every((x): x is number => x !== undefined)) {
        workgroupSize = [dims[0], dims[1], dims[2]];
        const i = unknowns.findIndex((u) => u.what === "workgroup size");
        if (i >= 0) unknowns.splice(i, 1);
        inferred = inferLaunch(ir, { valueOf, workgroupSize, dispatchGiven: dispatch !== null || !!siteGrid, problemSize: options.infer.problemSize, subgroupSize: options.subgroupSize });
      }
    }
    assumptions = site?.directiveFor ? inferred.assumptions.map((a) => {
      // The front-end's spelling of the line that sets a named parameter (`// @arg n = 4096`, not `// @override`).
      const p = ir.params.get(`override.${a.name}`);
      const line = a.name === "dispatch" ? site.directiveFor!("dispatch", a.value) : p?.kind === "override" && a.directive.startsWith("// @override ") ? site.directiveFor!(a.name, a.value) : undefined;
      return line ? { ...a, directive: line } : a;
    }) : inferred.assumptions;
    for (const [name, v] of inferred.overrides) overrides.set(name, v);
    for (const [v, value] of inferred.params) {
      const p = ir.params.get(v);
      if (p?.kind === "uniform" || p?.kind === "stored") {
        let fields = uniforms.get(p.binding);
        if (!fields) uniforms.set(p.binding, (fields = new Map()));
        fields.set(p.kind === "uniform" ? p.field : `[${p.index}]`, value);
      } else if (p?.kind === "override" && site && !overrides.has(p.name)) {
        // A launch-decided kernel's argument no count depends on (only computed with) still needs a value.
        overrides.set(p.name, value);
      } else if (p?.kind === "bufferLength") {
        bufferCounts.set(p.binding, value);
        const b = ir.bindings.find((x) => x.name === p.binding);
        if (b?.runtimeArray) bufferBytes.set(b.name, b.runtimeArray.headerBytes + value * b.runtimeArray.strideBytes);
      } else if (p?.kind === "textureSize") {
        const size: [number, number, number] = [...(textureSizes.get(p.binding) ?? [1, 1, 1])];
        size[p.dim] = value;
        textureSizes.set(p.binding, size);
        const b = ir.bindings.find((x) => x.name === p.binding);
        if (b?.texture) bufferBytes.set(b.name, size[0] * size[1] * size[2] * b.texture.texelBytes);
      }
    }
    if (!dispatch && inferred.dispatch) {
      finalDispatch = inferred.dispatch;
      const i = unknowns.findIndex((u) => u.what === "dispatch");
      if (i >= 0) unknowns.splice(i, 1);
    }
    if (siteGrid) {
      // The site's grid over the kernel's arguments, with the values they now have.
      const dims = siteGrid.map((e) => launchConstant(ir, e, overrides));
      if (dims.every((d): d is number => d !== undefined && Number.isFinite(d) && d >= 1)) {
        finalDispatch = [Math.trunc(dims[0]), Math.trunc(dims[1]), Math.trunc(dims[2])];
        const i = unknowns.findIndex((u) => u.what === "dispatch");
        if (i >= 0) unknowns.splice(i, 1);
        const onAssumed = siteGrid.some((e) => [...varsOf(e)].some((v) => inferred.params.has(v)));
        siteAssumptions.push({ name: "dispatch", value: finalDispatch, source: onAssumed ? "assumed" : "code", reason: `the launch's grid, over the kernel's arguments${onAssumed ? " (some assumed)" : ""}`, directive: site!.directiveFor?.("dispatch", finalDispatch) ?? `// @dispatch ${finalDispatch.join(", ")}` });
      } else {
        const again = inferLaunch(ir, { valueOf, workgroupSize, dispatchGiven: dispatch !== null, problemSize: options.infer.problemSize, subgroupSize: options.subgroupSize });
        if (again.dispatch) {
          finalDispatch = again.dispatch;
          const i = unknowns.findIndex((u) => u.what === "dispatch");
          if (i >= 0) unknowns.splice(i, 1);
          siteAssumptions.push(...again.assumptions.filter((a) => a.name === "dispatch").map((a) => ({ ...a, directive: site!.directiveFor?.("dispatch", a.value) ?? a.directive })));
        }
      }
    }
    for (const a of assumptions) sizes.push({ name: a.name, value: a.value, source: a.source === "assumed" ? "assumed" : "code" });
  }
  if (siteAssumptions.length > 0) assumptions = [...siteAssumptions, ...assumptions];
  const input: LaunchInput | null =
    workgroupSize && finalDispatch
      ? { workgroupSize, dispatch: finalDispatch, overrides, uniforms, bufferCounts, textureSizes, subgroupSize: options.subgroupSize }
      : null;
  return { input, workgroupSize, dispatch: finalDispatch, bufferBytes, unknowns, directives, env: launch.env, overrides, buffers: launch.buffers, problems: launch.problems, sizes, assumptions, problemSize: options.infer ? options.infer.problemSize ?? DEFAULT_ASSUMED_PROBLEM_SIZE : undefined };
}
