// Shared declarations for the preprocessed kernels in this folder (included with #include "common.wgsl").
#ifdef USE_F16
enable f16;
#define FLOAT f16
#else
#define FLOAT f32
#endif

struct Params {
  n: u32,
  scale: f32,
}
