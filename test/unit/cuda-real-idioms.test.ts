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

// Warp reductions overloaded by type, as tensor libraries write them; the float2 one must be chosen for a float2,
// and the float one for an element of a float array (not the int one declared first).
const WARP_REDUCE = `#define WARP_SIZE 32
template<int width = WARP_SIZE>
static __device__ __forceinline__ int warp_reduce_sum(int x) {
    return __reduce_add_sync(0xffffffff, x);
}
template<int width = WARP_SIZE>
static __device__ __forceinline__ float warp_reduce_sum(float x) {
#pragma unroll
    for (int offset = width/2; offset > 0; offset >>= 1) {
        x += __shfl_xor_sync(0xffffffff, x, offset, width);
    }
    return x;
}
template<int width = WARP_SIZE>
static __device__ __forceinline__ float2 warp_reduce_sum(float2 a) {
#pragma unroll
    for (int offset = width/2; offset > 0; offset >>= 1) {
        a.x += __shfl_xor_sync(0xffffffff, a.x, offset, width);
        a.y += __shfl_xor_sync(0xffffffff, a.y, offset, width);
    }
    return a;
}
`;

test("overloads are chosen by argument type: a layer norm's float2 reduction and a float array element's", async () => {
  const text = `${WARP_REDUCE}
template <int block_size>
static __global__ void layer_norm_f32(const float * x, float * dst, const int ncols, const float eps) {
    const int row = blockIdx.x;
    const int tid = threadIdx.x;
    x   += row*ncols;
    dst += row*ncols;
    float2 mean_var = make_float2(0.0f, 0.0f);
    for (int col = tid; col < ncols; col += block_size) {
        const float xi = x[col];
        mean_var.x += xi;
        mean_var.y += xi * xi;
    }
    mean_var = warp_reduce_sum(mean_var);
    const float mean = mean_var.x / ncols;
    const float var = mean_var.y / ncols - mean * mean;
    const float inv_std = rsqrtf(var + eps);
    for (int col = tid; col < ncols; col += block_size) {
        dst[col] = (x[col] - mean) * inv_std;
    }
}

static __global__ void row_sums(const float * x, float * dst) {
    float partial[2] = {0.0f, 0.0f};
    partial[0] = x[blockIdx.x * 64 + threadIdx.x];
    partial[1] = x[blockIdx.x * 64 + 32 + threadIdx.x];
    partial[0] = warp_reduce_sum(partial[0] + partial[1]);
    partial[1] = warp_reduce_sum(partial[1]);
    if (threadIdx.x == 0) dst[blockIdx.x] = partial[0];
}

void launch(const float * x, float * dst, float * sums, cudaStream_t stream) {
    layer_norm_f32<32><<<4096, 32, 0, stream>>>(x, dst, 256, 1e-5f);
    row_sums<<<4096, 32, 0, stream>>>(x, sums);
}
`;
  const a = await analyzeCuda(text);
  assert.deepEqual(syntax(a), []);
  const ln = model(a, "layer_norm_f32<32>");
  // Per thread (256 columns, 32 threads: 8 columns each): 8 x (add + FMA) = 24; the float2 reduction 5 x 2 adds = 10;
  // mean: 1 div; var: div + mul + sub = 3; var + eps: 1 (rsqrtf is special, not a FLOP); 8 x (sub + mul) = 16.
  // 24 + 10 + 1 + 3 + 1 + 16 = 55 per thread, 4096 x 32 threads.
  assert.equal(ln.ops.flopsF32.value, 55 * 4096 * 32);
  assert.equal(ln.ops.specialOps.value, 4096 * 32);
  // x read twice (8 + 8 floats per thread), dst written once.
  assert.equal(ln.ops.globalLoadBytes.value, 16 * 4 * 4096 * 32);
  assert.equal(ln.ops.globalStoreBytes.value, 8 * 4 * 4096 * 32);
  const rs = model(a, "row_sums");
  // Per thread: 1 add (partial[0] + partial[1]) + two float reductions of 5 adds each = 11 (the int overload would give 1).
  assert.equal(rs.ops.flopsF32.value, 11 * 4096 * 32);
});

test("a quantized GEMV in ggml's style: the dot product chosen by a constexpr function, traits from explicit specializations, a scale inside an anonymous union", async () => {
  const text = `#include <cuda_fp16.h>
${WARP_REDUCE}
#define QK4_0 32
#define QK8_1 32
typedef struct { half d; uint8_t qs[QK4_0 / 2]; } block_q4_0;
typedef struct {
    union {
        struct { half d; half s; } data;
        half2 ds;
    };
    int8_t qs[QK8_1];
} block_q8_1;
enum qtype { QTYPE_F16 = 1, QTYPE_Q4_0 = 2, QTYPE_Q8_0 = 8 };
template <qtype type> struct qtraits;
template <> struct qtraits<QTYPE_F16> { static constexpr int qk = 1; static constexpr int qi = 1; };
template <> struct qtraits<QTYPE_Q4_0> { static constexpr int qk = QK4_0; static constexpr int qi = 4; };

typedef float (*vec_dot_t)(const void * vx, const block_q8_1 * by, const int & ib, const int & iqs);

static __device__ __forceinline__ int load_int_b2(const void * x, const int & i32) {
    const uint16_t * x16 = (const uint16_t *) x;
    return x16[2*i32 + 0] | (x16[2*i32 + 1] << 16);
}
static __device__ __forceinline__ int load_int_b4(const void * x, const int & i32) {
    return ((const int *) x)[i32];
}
static __device__ __forceinline__ float dot_q4_0(const void * vx, const block_q8_1 * by, const int & ib, const int & iqs) {
    const block_q4_0 * bx = (const block_q4_0 *) vx + ib;
    const int v = load_int_b2(bx->qs, iqs);
    const int u0 = load_int_b4(by->qs, iqs);
    const int u1 = load_int_b4(by->qs, iqs + 4);
    int sumi = __dp4a(v & 0x0F0F0F0F, u0, 0);
    sumi = __dp4a((v >> 4) & 0x0F0F0F0F, u1, sumi);
    const float2 ds = __half22float2(by->ds);
    return __half2float(bx->d) * (sumi * ds.x - 8 * ds.y);
}
static constexpr __device__ vec_dot_t get_vec_dot(qtype type) {
    return type == QTYPE_Q4_0 ? dot_q4_0 : nullptr;
}

template <qtype type>
static __global__ void mat_vec_q(const void * __restrict__ vx, const void * __restrict__ vy, float * __restrict__ dst, const int ncols) {
    constexpr int qk = qtraits<type>::qk;
    constexpr int qi = qtraits<type>::qi;
    constexpr vec_dot_t vec_dot = get_vec_dot(type);
    const int row = blockIdx.x;
    const int blocks_per_row = ncols / qk;
    const block_q8_1 * y = (const block_q8_1 *) vy;
    float tmp[1] = {0.0f};
    for (int kb = threadIdx.x / qi; kb < blocks_per_row; kb += WARP_SIZE / qi) {
        tmp[0] += vec_dot(vx, &y[kb], row*blocks_per_row + kb, threadIdx.x % qi);
    }
    tmp[0] = warp_reduce_sum(tmp[0]);
    if (threadIdx.x == 0) dst[row] = tmp[0];
}

void launch(const void * vx, const void * vy, float * dst, cudaStream_t stream) {
    mat_vec_q<QTYPE_Q4_0><<<4096, WARP_SIZE, 0, stream>>>(vx, vy, dst, 4096);
}
`;
  const a = await analyzeCuda(text);
  assert.deepEqual(syntax(a), []);
  const m = model(a, "mat_vec_q<2>");
  assert.deepEqual(m.unknowns, [], "the trip count (from the traits) and the call (through the chosen function) are known");
  // 4096 rows (blocks) x 32 threads; 4096 / 32 = 128 q4_0 blocks per row, 8 per iteration (32 threads, 4 per block):
  // 16 iterations per thread.
  const threads = 4096 * 32;
  // Per iteration: 4 bytes of quants (two uint16), 8 bytes of q8_1 quants, the 4-byte half2 scale pair from the
  // union, the 2-byte q4_0 scale = 18 bytes.
  assert.equal(m.ops.globalLoadBytes.value, threads * 16 * 18);
  // Per iteration: sumi * ds.x, 8 * ds.y, the subtraction, the scale, the accumulation = 5 FLOPs; then the float
  // reduction's 5 adds.
  assert.equal(m.ops.flopsF32.value, threads * (16 * 5 + 5));
  assert.equal(m.ops.globalStoreBytes.value, 4096 * 4);
});

test("a type-dispatch macro whose last argument is statements (PyTorch extensions' DISPATCH_FLOAT_AND_HALF): the launch inside stays visible", async () => {
  const shim = `#pragma once
#define DISPATCH_FLOAT_AND_HALF(TYPE, LEVEL, NAME, ...) \\
  switch (TYPE) { \\
    case 0: { using scalar_t_##LEVEL = float; __VA_ARGS__; break; } \\
    case 1: { using scalar_t_##LEVEL = at::Half; __VA_ARGS__; break; } \\
    default: AT_ERROR(#NAME, " not implemented for '", toString(TYPE), "'"); \\
  }
`;
  const text = `#include "type_shim.h"
template <typename scalar_t, typename acc_t>
__global__ void scale_kernel(const scalar_t * __restrict__ in, scalar_t * __restrict__ out, const acc_t s, const int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = static_cast<scalar_t>(static_cast<acc_t>(in[i]) * s);
}
void scale_cuda(const void * in, void * out, int type, int n, cudaStream_t stream) {
  const int threads = 256;
  const int blocks = (n + threads - 1) / threads;
  DISPATCH_FLOAT_AND_HALF(type, 0, "scale_cuda",
    using acc_t = float;
    scale_kernel<scalar_t_0, acc_t><<<blocks, threads, 0, stream>>>((const scalar_t_0 *) in, (scalar_t_0 *) out, 0.5f, n););
}
`;
  const a = await analyzeCuda(text, { resolveInclude: headers({ "type_shim.h": shim }) });
  assert.deepEqual(syntax(a), [], "the macro's statements parse where they are");
  const name = [...a.models.keys()].find((k) => k.startsWith("scale_kernel"));
  assert.ok(name, `scale_kernel is modelled (${[...a.models.keys()].join(", ")})`);
  // The launch inside the macro gives the block size; one multiply per element.
  assert.equal(a.launches.get(name)!.workgroupSize?.[0], 256);
  const m = model(a, name);
  // The element type comes from the macro's hidden alias, which is lost: float is assumed and said. Per element:
  // one multiply, 4 bytes read, 4 written.
  assert.ok(m.ops.flopsF32.value > 0);
  assert.equal(m.traffic.compulsoryRead, 4 * m.ops.flopsF32.value);
  assert.equal(m.traffic.compulsoryWritten, 4 * m.ops.flopsF32.value);
});

test("a row softmax in ggml's style: an optional mask (`mask != nullptr` multiplies its row offset), template switches, break-guarded loops", async () => {
  const text = `${WARP_REDUCE}
template<int width = WARP_SIZE>
static __device__ __forceinline__ float warp_reduce_max(float x) {
#pragma unroll
    for (int offset = width/2; offset > 0; offset >>= 1) {
        x = fmaxf(x, __shfl_xor_sync(0xffffffff, x, offset, width));
    }
    return x;
}
template <bool use_shared, int ncols_template, int block_size_template, typename T>
static __global__ void soft_max_rows(const float * x, const T * mask, float * dst, const int ncols_par, const int nrows_y, const float scale) {
    const int ncols = ncols_template == 0 ? ncols_par : ncols_template;
    const int tid  = threadIdx.x;
    const int rowx = blockIdx.x;
    const int rowy = rowx % nrows_y;
    x    += int64_t(rowx)*ncols;
    mask += int64_t(rowy)*ncols * (mask != nullptr);
    dst  += int64_t(rowx)*ncols;
    const int block_size = block_size_template == 0 ? blockDim.x : block_size_template;
    extern __shared__ float data_soft_max[];
    float * vals = use_shared ? data_soft_max : dst;
    float max_val = -INFINITY;
#pragma unroll
    for (int col0 = 0; col0 < ncols; col0 += block_size) {
        const int col = col0 + tid;
        if (ncols_template == 0 && col >= ncols) {
            break;
        }
        const float val = x[col]*scale + (mask ? (float) mask[col] : 0.0f);
        vals[col] = val;
        max_val = fmaxf(max_val, val);
    }
    max_val = warp_reduce_max(max_val);
    float tmp = 0.0f;
#pragma unroll
    for (int col0 = 0; col0 < ncols; col0 += block_size) {
        const int col = col0 + tid;
        if (ncols_template == 0 && col >= ncols) {
            break;
        }
        const float val = expf(vals[col] - max_val);
        tmp += val;
        vals[col] = val;
    }
    tmp = warp_reduce_sum(tmp);
    const float inv_sum = 1.0f / tmp;
#pragma unroll
    for (int col0 = 0; col0 < ncols; col0 += block_size) {
        const int col = col0 + tid;
        if (ncols_template == 0 && col >= ncols) {
            return;
        }
        dst[col] = vals[col] * inv_sum;
    }
}
void soft_max(const float * x, const float * mask, float * dst, cudaStream_t stream) {
    soft_max_rows<true, 64, 32, float><<<4096, 32, 64*sizeof(float), stream>>>(x, mask, dst, 64, 128, 0.125f);
}
`;
  const a = await analyzeCuda(text);
  assert.deepEqual(syntax(a), []);
  const m = model(a, "soft_max_rows<1, 64, 32, float>");
  const threads = 4096 * 32;
  // 64 columns, 32 threads: 2 columns per thread in each loop. Per thread: 2 x (mul + add + fmaxf) = 6; the max
  // reduction 5 fmaxf; 2 x (sub + add) = 4 and 2 expf; the sum reduction 5; 1 division; 2 multiplies = 23 FLOPs.
  assert.equal(m.ops.flopsF32.value, 23 * threads);
  assert.equal(m.ops.specialOps.value, 2 * threads);
  // x and the mask: 2 floats each per thread; dst: 2 floats; vals live in shared memory.
  assert.equal(m.ops.globalLoadBytes.value, 16 * threads);
  assert.equal(m.ops.globalStoreBytes.value, 8 * threads);
  // Compulsory: x once (4096 rows of 64 floats), the mask's 128 distinct rows once, dst once.
  assert.equal(m.traffic.compulsoryRead, 4096 * 64 * 4 + 128 * 64 * 4);
  assert.equal(m.traffic.compulsoryWritten, 4096 * 64 * 4);
});

test("a macro from a header that is not found, used at file scope with nothing after it, is skipped without a warning", async () => {
  const text = `#include "backend-impl.h"
__global__ void fill(float * y, const float v, const int n) {
    const int i = blockIdx.x*blockDim.x + threadIdx.x;
    if (i >= n) {
        return;
    }
    y[i] = v;
}
void launch(float * y, cudaStream_t stream) { fill<<<64, 256, 0, stream>>>(y, 1.0f, 64*256); }

BACKEND_DL_IMPL(my_backend_reg)
`;
  const a = await analyzeCuda(text);
  assert.deepEqual(syntax(a), []);
  assert.equal(model(a, "fill").ops.globalStoreBytes.value, 64 * 256 * 4);
});

test("host code in the CUDA samples' style: CUDART_CB callbacks, typeid(Real) precision checks, explicit class instantiations parse", async () => {
  const text = `#include <stdexcept>
#include <typeinfo>
template <typename Real>
__global__ void sum_squares(const Real * __restrict__ x, Real * __restrict__ out, const unsigned int n) {
    const unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = x[i] * x[i] + Real(1);
}
void CUDART_CB done_callback(cudaStream_t stream, cudaError_t status, void * data) { (void) stream; (void) status; (void) data; }
template <typename Real>
class Estimator {
  public:
    void run(const Real * x, Real * out, unsigned int n) {
        if (typeid(Real) == typeid(double) && n == 0) throw std::runtime_error("double needs n");
        sum_squares<Real><<<(n + 127) / 128, 128>>>(x, out, n);
    }
};
template class Estimator<float>;
template class Estimator<double>;
`;
  const a = await analyzeCuda(text);
  assert.deepEqual(syntax(a), []);
  assert.ok([...a.models.keys()].some((k) => k.startsWith("sum_squares")), [...a.models.keys()].join(", "));
});

test("a checking function and a macro of the same name defined after it (llm.c's cudaCheck): the function still parses and the macro expands where it is used", async () => {
  const text = `#include <stdio.h>
void cudaCheck(cudaError_t error, const char *file, int line) {
    if (error != cudaSuccess) {
        printf("[CUDA ERROR] at file %s:%d: %s", file, line, cudaGetErrorString(error));
        exit(EXIT_FAILURE);
    }
}
#define cudaCheck(err) (cudaCheck(err, __FILE__, __LINE__))

__global__ void add_one(float * x, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i] += 1.0f;
}
int main() {
    float * x;
    cudaCheck(cudaMalloc(&x, 4096 * sizeof(float)));
    add_one<<<16, 256>>>(x, 4096);
    cudaCheck(cudaGetLastError());
}
`;
  const a = await analyzeCuda(text);
  assert.deepEqual(syntax(a), []);
  const m = model(a, "add_one");
  assert.equal(m.ops.flopsF32.value, 4096);
  assert.equal(m.traffic.compulsoryRead, 4096 * 4);
});

test("a binary op passed as a function-pointer template parameter: inlined when a launch names it, said plainly when none does", async () => {
  const kernel = `static __device__ __forceinline__ float op_mul(const float a, const float b) { return a * b; }
template<float (*bin_op)(const float, const float)>
static __global__ void k_bin(const float * a, const float * b, float * dst, const int n) {
    const int i = blockIdx.x*blockDim.x + threadIdx.x;
    if (i >= n) {
        return;
    }
    dst[i] = bin_op(a[i], b[i]);
}
`;
  const launched = await analyzeCuda(`${kernel}void launch(const float * a, const float * b, float * d, cudaStream_t s) { k_bin<op_mul><<<4096, 256, 0, s>>>(a, b, d, 4096*256); }\n`);
  assert.equal(model(launched, "k_bin<op_mul>").ops.flopsF32.value, 4096 * 256);
  const alone = await analyzeCuda(kernel);
  const m = model(alone, "k_bin<bin_op>");
  assert.equal(m.ops.flopsF32.value, 0);
  assert.ok(m.unknowns.some((u) => /'bin_op' is a function no launch or instantiation names/.test(u.reason)), JSON.stringify(m.unknowns));
  assert.ok(!alone.launches.get("k_bin<bin_op>")!.sizes.some((s) => s.name === "bin_op"), "a function is not a launch size");
});

test("code chosen by the toolkit's version and the host platform takes nvcc's branch on Linux with a current toolkit", async () => {
  const text = `#if CUDART_VERSION >= 11070 && __CUDACC_VER_MAJOR__ >= 12
__global__ void chosen(float * y) { y[threadIdx.x] = 2.0f * y[threadIdx.x]; }
#else
__global__ void chosen(float * y) { y[threadIdx.x] = ; }
#endif
#if defined(__linux__)
#define SHM_NAME "/kernel_shm"
#elif defined(WIN32) || defined(_WIN32)
#define SHM_NAME "Local\\\\kernel_shm"
#else
#error Unsupported system
#endif
int main() { float * y; chosen<<<1, 32>>>(y); }
`;
  const a = await analyzeCuda(text);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === "error" || d.code === "cuda-syntax"), []);
  assert.equal(model(a, "chosen").ops.flopsF32.value, 32);
  // A caller that names another platform gets its branch.
  const win = await analyzeCuda(text, { defines: ["_WIN32"] });
  assert.deepEqual(win.diagnostics.filter((d) => d.severity === "error"), []);
});

test("a pointer set to one buffer or another in a branch (ggml's non-contiguous concat): the load through it is counted and the note names both buffers", async () => {
  const text = `template <int dim>
static __global__ void concat_rows(const char * src0, const char * src1, char * dst, const int ne00, const int ne0, const int nb01, const int nb11, const int nb1) {
    const int i1 = blockIdx.x;
    const float * x;
    for (int i0 = threadIdx.x; i0 < ne0; i0 += blockDim.x) {
        if (i0 < ne00) {
            x = (const float *)(src0 + i1*nb01 + i0*4);
        } else {
            x = (const float *)(src1 + i1*nb11 + (i0 - ne00)*4);
        }
        float * y = (float *)(dst + i1*nb1 + i0*4);
        *y = *x;
    }
}
void launch(const char * a, const char * b, char * d, cudaStream_t s) { concat_rows<0><<<1024, 128, 0, s>>>(a, b, d, 256, 512, 1024, 1024, 2048); }
`;
  const a = await analyzeCuda(text);
  const m = model(a, "concat_rows<0>");
  // 1024 rows of 512 floats: each element read once (from one buffer or the other) and written once.
  assert.equal(m.ops.globalLoadBytes.value, 1024 * 512 * 4);
  assert.equal(m.ops.globalStoreBytes.value, 1024 * 512 * 4);
  assert.ok(m.unknowns.some((u) => /'src0' or 'src1' depending on a branch/.test(u.reason)), JSON.stringify(m.unknowns));
});
