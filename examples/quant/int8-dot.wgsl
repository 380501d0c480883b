// Int8 dot product with dot4I8Packed: per-workgroup partial sums of two `@quantize ...: int8` vectors, scaled to f32.
// Layout uploaded by `@quantize NAME: int8` (per-tensor symmetric): word 0 is the tensor's scale as f32 bits
// (amax / 127, rounded to fp16 by the reference encoder), then the codes in [-127, 127], four per u32
// little-endian from word 1 (element 4k + i in bits 8i of word 1 + k), exactly what dot4I8Packed reads.
// Each invocation takes one word of each vector (4 elements); a workgroup of 64 reduces 256 products in i32
// (at most 256 * 127 * 127, exact in i32 and in f32) and writes partial[wg] = dot * (scale_a * scale_b).
// The first check compares with float64 over the DEQUANTIZED values (only f32 rounding differs); the second with
// the float values before quantization, tolerance wide enough for int8, to report the end-to-end SQNR.
// @let N = 65536
// @require N % 256 == 0
// @dispatch N / 256
// @buffer a[N] = random(-1, 1)
// @quantize a: int8
// @buffer b[N] = random(-1, 1)
// @quantize b: int8
// @buffer partial[N / 256]
// @uniform params = { n: N }
// @check partial ~ js("../ref/int8-dot.mjs") rtol=1e-6 atol=1e-6
// @check partial ~ js("../ref/int8-dot-float.mjs") rtol=0.1 atol=0.5

struct Params {
  n: u32,
}

@group(0) @binding(0) var<storage, read> a: array<u32>;
@group(0) @binding(1) var<storage, read> b: array<u32>;
@group(0) @binding(2) var<storage, read_write> partial: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

var<workgroup> sums: array<i32, 64>;

@compute @workgroup_size(64)
fn int8_dot(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let i = gid.x;
  var d = 0i;
  if (i < params.n / 4u) {
    // Word 0 is the scale: the codes start at word 1.
    d = dot4I8Packed(a[1u + i], b[1u + i]);
  }
  sums[lid] = d;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (lid < s) {
      sums[lid] += sums[lid + s];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let scale = bitcast<f32>(a[0]) * bitcast<f32>(b[0]);
    partial[wid.x] = f32(sums[0]) * scale;
  }
}
