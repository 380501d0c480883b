// Sum of each row of a row-major matrix: one block of 256 threads per row, a strided pass over the row, then a
// shared-memory tree reduction and one store per row.
//
// By hand, with ROWS = 4096 rows of COLS = 4096 floats (grid 4096 blocks of 256 threads):
//   FLOPs: the strided pass adds COLS floats per row (4096 adds); the tree adds 128 + 64 + ... + 1 = 255 per row.
//          So 4096 x (4096 + 255) = 17,821,696 FLOPs.
//   Compulsory bytes: the matrix once (4096 x 4096 x 4 = 67,108,864) plus one float per row (16,384).
//   Shared memory: 256 floats = 1,024 bytes per block.
#include <cuda_runtime.h>

constexpr int THREADS = 256;

__global__ void row_sum(const float* __restrict__ x, float* __restrict__ out, int cols) {
  __shared__ float partial[THREADS];
  const float* row = x + static_cast<size_t>(blockIdx.x) * cols;
  float acc = 0.0f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) acc += row[c];
  partial[threadIdx.x] = acc;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) partial[threadIdx.x] += partial[threadIdx.x + s];
    __syncthreads();
  }
  if (threadIdx.x == 0) out[blockIdx.x] = partial[0];
}

int main() {
  const int rows = 4096, cols = 4096;
  float *x, *out;
  cudaMalloc(&x, sizeof(float) * rows * cols);
  cudaMalloc(&out, sizeof(float) * rows);
  row_sum<<<rows, THREADS>>>(x, out, cols);
  cudaDeviceSynchronize();
  cudaFree(x);
  cudaFree(out);
  return 0;
}
