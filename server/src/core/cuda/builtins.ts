// CUDA's device built-ins as the cost model counts them, with the WGSL front-end's conventions: transcendentals
// and square roots are special-function ops (one per component, their internal arithmetic not added), an FMA is two
// FLOPs, min/max/floor one, abs free; conversions between number formats are one integer op per component (as a
// WGSL conversion is); warp shuffles and votes are one cross-lane (subgroup) op per 32-bit word.
import type { Scalar } from "./types";

/** Special-function built-ins: one special op per component of the result. */
export const SPECIAL = new Set([
  "expf", "exp", "exp2f", "exp2", "exp10f", "exp10", "expm1f", "expm1", "logf", "log", "log2f", "log2", "log10f", "log10", "log1pf", "log1p",
  "sinf", "sin", "cosf", "cos", "tanf", "tan", "asinf", "asin", "acosf", "acos", "atanf", "atan", "atan2f", "atan2", "sinhf", "sinh", "coshf",
  "cosh", "tanhf", "tanh", "asinhf", "asinh", "acoshf", "acosh", "atanhf", "atanh", "powf", "pow", "sqrtf", "sqrt", "rsqrtf", "rsqrt", "cbrtf",
  "cbrt", "rcbrtf", "erff", "erf", "erfcf", "erfc", "erfinvf", "erfcinvf", "erfcxf", "normcdff", "normcdf", "normcdfinvf", "lgammaf", "tgammaf",
  "hypotf", "rhypotf", "norm3df", "rnorm3df", "sinpif", "cospif", "__expf", "__exp10f", "__logf", "__log2f", "__log10f", "__sinf", "__cosf",
  "__tanf", "__powf", "__fsqrt_rn", "__fsqrt_rz", "__fsqrt_ru", "__fsqrt_rd", "__frsqrt_rn", "__frcp_rn", "__frcp_rz", "__frcp_ru", "__frcp_rd",
  "__drcp_rn", "__dsqrt_rn", "hexp", "hexp2", "hexp10", "hlog", "hlog2", "hlog10", "hsqrt", "hrsqrt", "hrcp", "hsin", "hcos", "htanh",
  "htanh_approx", "h2exp", "h2exp2", "h2exp10", "h2log", "h2log2", "h2log10", "h2sqrt", "h2rsqrt", "h2rcp", "h2sin", "h2cos", "h2tanh",
  "h2tanh_approx", "__tanhf", "fast_tanh",
]);

/** Floating-point built-ins: FLOPs per component of the result (integer operands count integer ops instead). */
export const FLOPS: Readonly<Record<string, number>> = {
  fmaf: 2, fma: 2, __fmaf_rn: 2, __fmaf_rz: 2, __fmaf_ru: 2, __fmaf_rd: 2, __fma_rn: 2, __fmaf_ieee_rn: 2,
  fabsf: 0, fabs: 0, abs: 0, labs: 0, llabs: 0, fminf: 1, fmaxf: 1, fmin: 1, fmax: 1, min: 1, max: 1, umin: 1, umax: 1, llmin: 1, llmax: 1,
  ullmin: 1, ullmax: 1, floorf: 1, floor: 1, ceilf: 1, ceil: 1, roundf: 1, round: 1, truncf: 1, trunc: 1, rintf: 1, rint: 1, nearbyintf: 1,
  lrintf: 1, llrintf: 1, lroundf: 1, copysignf: 1, copysign: 1, fdimf: 1, fmodf: 1, fmod: 1, remainderf: 1, __fadd_rn: 1, __fadd_rz: 1,
  __fadd_ru: 1, __fadd_rd: 1, __fsub_rn: 1, __fsub_rz: 1, __fmul_rn: 1, __fmul_rz: 1, __fmul_ru: 1, __fmul_rd: 1, __fdiv_rn: 1, __fdiv_rz: 1,
  __fdividef: 1, fdividef: 1, __saturatef: 1, ldexpf: 1, scalbnf: 1, modff: 2, signbit: 0, isnan: 0, isinf: 0, isfinite: 0,
  __hadd: 1, __hsub: 1, __hmul: 1, __hdiv: 1, __hadd_sat: 1, __hsub_sat: 1, __hmul_sat: 1, __hadd_rn: 1, __hmul_rn: 1, __hsub_rn: 1,
  __hadd2: 1, __hsub2: 1, __hmul2: 1, __h2div: 1, __hadd2_sat: 1, __hsub2_sat: 1, __hmul2_sat: 1, __hadd2_rn: 1, __hmul2_rn: 1, __hsub2_rn: 1,
  __hfma: 2, __hfma_sat: 2, __hfma_relu: 2, __hfma2: 2, __hfma2_sat: 2, __hfma2_relu: 2, __hmax: 1, __hmin: 1, __hmax_nan: 1, __hmin_nan: 1,
  __hmax2: 1, __hmin2: 1, __hmax2_nan: 1, __hmin2_nan: 1, __hneg: 0, __hneg2: 0, __habs: 0, __habs2: 0,
  hfloor: 1, hceil: 1, htrunc: 1, hrint: 1, h2floor: 1, h2ceil: 1, h2trunc: 1, h2rint: 1,
};

/** Integer built-ins: integer ops per call. */
export const INT_OPS: Readonly<Record<string, number>> = {
  __popc: 1, __popcll: 1, __clz: 1, __clzll: 1, __ffs: 1, __ffsll: 1, __fns: 1, __brev: 1, __brevll: 1, __byte_perm: 1, __funnelshift_l: 1,
  __funnelshift_r: 1, __funnelshift_lc: 1, __funnelshift_rc: 1, __mul24: 1, __umul24: 1, __mulhi: 1, __umulhi: 1, __mul64hi: 1, __umul64hi: 1,
  __sad: 2, __usad: 2, __rhadd: 1, __urhadd: 1, __uhadd: 1, __dp4a: 8, __dp2a_lo: 4, __dp2a_hi: 4, __vabsdiff4: 1, __vadd4: 1, __vsub4: 1,
  __vmaxs4: 1, __vmins4: 1, __vmaxu4: 1, __vminu4: 1, __vadd2: 1, __vsub2: 1, __vabsdiff2: 1, __vsetgtu4: 1,
  __hlt: 1, __hle: 1, __hgt: 1, __hge: 1, __heq: 1, __hne: 1, __hltu: 1, __hgtu: 1, __hisnan: 1, __hisinf: 1,
  __hlt2: 2, __hle2: 2, __hgt2: 2, __hge2: 2, __heq2: 2, __hne2: 2, __hblt2: 2, __hbgt2: 2, __hbeq2: 2, __hbne2: 2, __hisnan2: 2,
};

/** Conversions between number formats: the result's scalar and width; one integer op per result component. */
export const CONVERSIONS: Readonly<Record<string, { readonly s: Scalar; readonly n: number }>> = {
  __float2half: { s: "f16", n: 1 }, __float2half_rn: { s: "f16", n: 1 }, __float2half_rz: { s: "f16", n: 1 }, __float2half_rd: { s: "f16", n: 1 },
  __float2half_ru: { s: "f16", n: 1 }, __double2half: { s: "f16", n: 1 }, __int2half_rn: { s: "f16", n: 1 }, __uint2half_rn: { s: "f16", n: 1 },
  __short2half_rn: { s: "f16", n: 1 }, __ushort2half_rn: { s: "f16", n: 1 },
  __floats2half2_rn: { s: "f16", n: 2 }, __float22half2_rn: { s: "f16", n: 2 }, __float2half2_rn: { s: "f16", n: 2 },
  __half2float: { s: "f32", n: 1 }, __low2float: { s: "f32", n: 1 }, __high2float: { s: "f32", n: 1 }, __bfloat162float: { s: "f32", n: 1 },
  __int2float_rn: { s: "f32", n: 1 }, __int2float_rz: { s: "f32", n: 1 }, __int2float_ru: { s: "f32", n: 1 }, __int2float_rd: { s: "f32", n: 1 },
  __uint2float_rn: { s: "f32", n: 1 }, __uint2float_rz: { s: "f32", n: 1 }, __ll2float_rn: { s: "f32", n: 1 }, __ull2float_rn: { s: "f32", n: 1 },
  __double2float_rn: { s: "f32", n: 1 }, __double2float_rz: { s: "f32", n: 1 }, __int2double_rn: { s: "f64", n: 1 },
  __half22float2: { s: "f32", n: 2 }, __bfloat1622float2: { s: "f32", n: 2 },
  __float2bfloat16: { s: "bf16", n: 1 }, __float2bfloat16_rn: { s: "bf16", n: 1 }, __float2bfloat16_rz: { s: "bf16", n: 1 },
  __float2bfloat16_rd: { s: "bf16", n: 1 }, __float2bfloat16_ru: { s: "bf16", n: 1 }, __double2bfloat16: { s: "bf16", n: 1 },
  __int2bfloat16_rn: { s: "bf16", n: 1 }, __floats2bfloat162_rn: { s: "bf16", n: 2 }, __float22bfloat162_rn: { s: "bf16", n: 2 },
  __float2bfloat162_rn: { s: "bf16", n: 2 },
  __float2int_rn: { s: "i32", n: 1 }, __float2int_rz: { s: "i32", n: 1 }, __float2int_ru: { s: "i32", n: 1 }, __float2int_rd: { s: "i32", n: 1 },
  __float2uint_rn: { s: "u32", n: 1 }, __float2uint_rz: { s: "u32", n: 1 }, __float2uint_ru: { s: "u32", n: 1 }, __float2uint_rd: { s: "u32", n: 1 },
  __float2ll_rn: { s: "i64", n: 1 }, __float2ll_rz: { s: "i64", n: 1 }, __half2int_rn: { s: "i32", n: 1 }, __half2int_rz: { s: "i32", n: 1 },
  __half2uint_rn: { s: "u32", n: 1 }, __half2short_rn: { s: "i16", n: 1 }, __double2int_rn: { s: "i32", n: 1 }, __double2int_rz: { s: "i32", n: 1 },
  __bfloat162int_rn: { s: "i32", n: 1 }, __half2half2: { s: "f16", n: 2 },
  __nv_cvt_float_to_fp8: { s: "fp8", n: 1 }, __nv_cvt_float2_to_fp8x2: { s: "fp8", n: 2 }, __nv_cvt_halfraw_to_fp8: { s: "fp8", n: 1 },
  __nv_cvt_halfraw2_to_fp8x2: { s: "fp8", n: 2 }, __nv_cvt_bfloat16raw_to_fp8: { s: "fp8", n: 1 }, __nv_cvt_bfloat16raw2_to_fp8x2: { s: "fp8", n: 2 },
  __nv_cvt_fp8_to_halfraw: { s: "f16", n: 1 }, __nv_cvt_fp8x2_to_halfraw2: { s: "f16", n: 2 },
};

/** Reinterpretations and register moves: free. The result's scalar and width (undefined: the first argument's type). */
export const FREE: Readonly<Record<string, { readonly s: Scalar; readonly n: number } | undefined>> = {
  __float_as_int: { s: "i32", n: 1 }, __int_as_float: { s: "f32", n: 1 }, __float_as_uint: { s: "u32", n: 1 }, __uint_as_float: { s: "f32", n: 1 },
  __double_as_longlong: { s: "i64", n: 1 }, __longlong_as_double: { s: "f64", n: 1 }, __half_as_short: { s: "i16", n: 1 },
  __half_as_ushort: { s: "u16", n: 1 }, __short_as_half: { s: "f16", n: 1 }, __ushort_as_half: { s: "f16", n: 1 },
  __bfloat16_as_ushort: { s: "u16", n: 1 }, __bfloat16_as_short: { s: "i16", n: 1 }, __ushort_as_bfloat16: { s: "bf16", n: 1 },
  __short_as_bfloat16: { s: "bf16", n: 1 }, __low2half: { s: "f16", n: 1 }, __high2half: { s: "f16", n: 1 }, __low2bfloat16: { s: "bf16", n: 1 },
  __high2bfloat16: { s: "bf16", n: 1 }, __halves2half2: { s: "f16", n: 2 }, __halves2bfloat162: { s: "bf16", n: 2 },
  __bfloat162bfloat162: { s: "bf16", n: 2 }, __lows2half2: { s: "f16", n: 2 }, __highs2half2: { s: "f16", n: 2 },
  __lowhigh2highlow: undefined, __lows2bfloat162: { s: "bf16", n: 2 }, __highs2bfloat162: { s: "bf16", n: 2 }, make_half2: { s: "f16", n: 2 },
  make_bfloat162: { s: "bf16", n: 2 }, __double2hiint: { s: "i32", n: 1 }, __double2loint: { s: "i32", n: 1 }, __hiloint2double: { s: "f64", n: 1 },
  __ldexpf: undefined, clock: { s: "i64", n: 1 }, clock64: { s: "i64", n: 1 }, __clock: { s: "i64", n: 1 }, __globaltimer: { s: "u64", n: 1 },
  __lanemask_lt: { s: "u32", n: 1 }, __lanemask_le: { s: "u32", n: 1 }, __lanemask_gt: { s: "u32", n: 1 }, __lanemask_ge: { s: "u32", n: 1 },
  __lanemask_eq: { s: "u32", n: 1 }, __builtin_expect: undefined, __builtin_assume_aligned: undefined,
};

/** Calls that do nothing the model counts (fences, hints, debugging). */
export const NO_COST = new Set([
  "__syncwarp", "__threadfence", "__threadfence_block", "__threadfence_system", "__nanosleep", "assert", "printf", "__prof_trigger",
  "__builtin_assume", "__assume", "__builtin_unreachable", "cudaGridDependencySynchronize", "cudaTriggerProgrammaticLaunchCompletion",
  "__trap", "__brkpt", "static_assert", "__pipeline_commit", "__pipeline_wait_prior", "cuda_barrier_sync", "__fence",
]);

/** Loads and stores through a pointer with a cache hint: `__ldg(&x[i])`, `__stcs(&y[i], v)`. */
export const LOAD_HINTS = new Set(["__ldg", "__ldcg", "__ldca", "__ldcs", "__ldlu", "__ldcv"]);
export const STORE_HINTS = new Set(["__stcg", "__stcs", "__stwb", "__stwt"]);

/** Atomic read-modify-writes on the first argument's place. */
export function isAtomic(name: string): boolean {
  return ATOMICS.has(name);
}
const ATOMICS = new Set(
  ["Add", "Sub", "Exch", "Min", "Max", "Inc", "Dec", "CAS", "And", "Or", "Xor"].flatMap((op) => ["", "_block", "_system"].map((s) => `atomic${op}${s}`)).concat(["unsafeAtomicAdd", "safeAtomicAdd"]),
);

/** Block-wide barriers (`__syncthreads_count` and friends also return a value). */
export const BARRIERS = new Set(["__syncthreads", "__syncthreads_count", "__syncthreads_and", "__syncthreads_or", "__barrier_sync", "__syncblock"]);

/** Warp shuffles: the index of the exchanged value among the arguments. */
export const SHUFFLES: Readonly<Record<string, number>> = {
  __shfl_sync: 1, __shfl_up_sync: 1, __shfl_down_sync: 1, __shfl_xor_sync: 1, __shfl: 0, __shfl_up: 0, __shfl_down: 0, __shfl_xor: 0,
};

/** Warp votes and matches: one cross-lane op, an unsigned result. */
export const VOTES = new Set(["__ballot_sync", "__all_sync", "__any_sync", "__uni_sync", "__ballot", "__all", "__any", "__activemask", "__match_any_sync", "__match_all_sync"]);

/** Warp reductions (sm_80 `redux.sync`): one integer op and one cross-lane op. */
export const WARP_REDUCTIONS = new Set(["__reduce_add_sync", "__reduce_min_sync", "__reduce_max_sync", "__reduce_and_sync", "__reduce_or_sync", "__reduce_xor_sync"]);

/** `make_float4(...)` and friends: the vector type's name. */
export function makeVectorType(name: string): string | undefined {
  const m = /^make_((?:u?char|u?short|u?int|u?long|u?longlong|float|double)[1-4])$/.exec(name);
  return m ? m[1] : undefined;
}
