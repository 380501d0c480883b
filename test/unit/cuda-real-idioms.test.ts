// The CUDA front-end on the idioms of real libraries (written here in their style, not copied): headers that declare
// tables and attributes through function-like macros, `#pragma once`, C/C++ switches, macros that declare locals,
// and kernels whose FLOPs and compulsory bytes are derived by hand in the comments, analysed on an RTX 4090.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { CudaSourceAnalysis } from "../../server/src/core/cuda/analyze";
import type { KernelModel } from "../../server/src/core/model/types";
import { analyzeCuda } from "../support/cudaParser";

function model(a: CudaSourceAnalysis, name: string): KernelModel {
  const m = a.models.get(name)?.model;
  assert.ok(m, `a model for ${name} (models: ${[...a.models.keys()].join(", ")})`);
  return m;
}
const syntax = (a: CudaSourceAnalysis) => a.diagnostics.filter((d) => d.code === "cuda-syntax");
const headers = (files: Record<string, string>) => (path: string) => (files[path] !== undefined ? { key: path, text: files[path] } : { error: "not found" });

// A library header in the style of a tensor library's public and common headers.
const API_H = `#pragma once
#ifdef __cplusplus
#    define TL_NORETURN [[noreturn]]
#    define TL_RESTRICT
#else
#    define TL_NORETURN _Noreturn
#    define TL_RESTRICT restrict
#endif
#if defined(__GNUC__) && !defined(__clang__)
#    define TL_FORMAT(...) __attribute__((format(gnu_printf, __VA_ARGS__)))
#else
#    define TL_FORMAT(...) __attribute__((format(printf, __VA_ARGS__)))
#endif
#define TL_DEPRECATED(func, hint) func __attribute__((deprecated(hint)))
#define TL_API extern
#define TL_UNUSED(x) (void)(x)
#define TL_LOCALS_1(type, prefix, pointer, array) const type prefix##0 = (pointer)->array[0]; TL_UNUSED(prefix##0);
#define TL_LOCALS(type, prefix, pointer, array) TL_LOCALS_1(type, prefix, pointer, array) const type prefix##1 = (pointer)->array[1]; TL_UNUSED(prefix##1);
#define TL_BINARY_LOCALS TL_LOCALS(int64_t, ne0, src0, ne) TL_LOCALS(size_t, nb0, src0, nb) TL_LOCALS(int64_t, ne, dst, ne)
struct tl_tensor { int64_t ne[2]; size_t nb[2]; void * data; };
TL_NORETURN TL_FORMAT(3, 4)
TL_API void tl_abort(const char * file, int line, const char * fmt, ...);
TL_DEPRECATED(TL_API size_t tl_type_sizef(int type), "use tl_row_size() instead");
typedef void (*tl_to_float_t)(const void * TL_RESTRICT x, float * TL_RESTRICT y, int64_t k);
`;

const TABLES_H = `#ifndef TL_TABLES_IMPL
#if defined(TL_TABLES_IMPL_C)
#define TL_TABLE_BEGIN(type, name, size) static const type name[size] = {
#define TL_TABLE_END() };
#define TL_TABLES_IMPL
#elif defined(TL_TABLES_IMPL_CUDA)
#define TL_TABLE_BEGIN(type, name, size) static const __device__ type name[size] = {
#define TL_TABLE_END() };
#define TL_TABLES_IMPL
#endif
TL_TABLE_BEGIN(int8_t, kvalues_nl, 16)
    -127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113,
TL_TABLE_END()
#endif
`;

test("library headers: tables, attributes and deprecations written through macros, #pragma once and __cplusplus parse; the kernel that reads the table is modelled", async () => {
  const text = `#include "api.h"
#include "api.h"
#define TL_TABLES_IMPL_CUDA
#include "tables.h"

// Non-linear 4-bit values looked up in a table: 2 nibbles per byte, 2 outputs per thread.
__global__ void dequant_nl(const uint8_t * __restrict__ q, float * __restrict__ y, const int n) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const uint8_t b = q[i];
    y[2*i + 0] = kvalues_nl[b & 0xF] * 0.5f;
    y[2*i + 1] = kvalues_nl[b >> 4] * 0.5f;
}

void launch(const tl_tensor * src0, const tl_tensor * dst, cudaStream_t stream) {
    TL_BINARY_LOCALS
    TL_LOCALS(size_t, nb, dst, nb);
    const int n = ne00 * ne01 / 2;
    dequant_nl<<<(n + 255) / 256, 256, 0, stream>>>((const uint8_t *) src0->data, (float *) dst->data, n);
}
`;
  const a = await analyzeCuda(text, { resolveInclude: headers({ "api.h": API_H, "tables.h": TABLES_H }) });
  assert.deepEqual(syntax(a), [], "nothing the compiler accepts is reported as unparsable");
  const m = model(a, "dequant_nl");
  // The block (256) comes from the launch; n from an assumed problem size, one thread per element up to n.
  const n = a.launches.get("dequant_nl")!.sizes.find((s) => s.name === "n")!.value as number;
  assert.equal(a.launches.get("dequant_nl")!.workgroupSize?.[0], 256);
  // Per thread: 2 multiplies = 2 FLOPs; 1 byte of q and 2 one-byte table reads; 2 floats written.
  assert.equal(m.ops.flopsF32.value, 2 * n);
  assert.equal(m.ops.globalLoadBytes.value, 3 * n);
  assert.equal(m.ops.globalStoreBytes.value, 8 * n);
  // Compulsory: q once, the 16-byte table once, y once.
  assert.equal(m.traffic.compulsoryRead, n + 16);
  assert.equal(m.traffic.compulsoryWritten, 8 * n);
});

test("what the grammar cannot read is a warning that says the analysis skips it; an included file gets one, at its #include", async () => {
  const broken = `#pragma once
__device__ float f(float x) { return x +; }
__device__ float g(float x) { return x *; }
__device__ float h(float x) { return x -; }
`;
  const text = `#include "broken.cuh"
__global__ void ok(float * y) { y[threadIdx.x] = 1.0f; }
__global__ void bad(float * y) { y[threadIdx.x] = ; }
`;
  const a = await analyzeCuda(text, { resolveInclude: headers({ "broken.cuh": broken }) });
  const warnings = syntax(a);
  assert.ok(warnings.every((d) => d.severity === "warning"), "the grammar is not the compiler: no syntax error is shown as an error");
  const inHeader = warnings.filter((d) => d.related?.[0]?.file === "broken.cuh");
  assert.equal(inHeader.length, 1, "one diagnostic for the included file");
  assert.equal(text.slice(inHeader[0].span.start, inHeader[0].span.end), '#include "broken.cuh"');
  assert.match(inHeader[0].message, /3 places in included file 'broken\.cuh'.*skips them/);
  const inMain = warnings.filter((d) => !d.related);
  assert.ok(inMain.length >= 1 && inMain.every((d) => d.span.start > text.indexOf("bad")));
  assert.match(inMain[0].message, /skips it/);
  assert.ok(a.models.has("ok"));
});
