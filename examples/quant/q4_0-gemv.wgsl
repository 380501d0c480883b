// q4_0 GEMV (y = W x) reading ggml's q4_0 blocks as uploaded by `@quantize`: 18 bytes per 32 weights (an fp16
// scale d, then 16 bytes of 4-bit codes q, weight j in the low nibble of byte j and weight j + 16 in its high
// nibble, value (q - 8) d). 18-byte blocks are not 4-byte aligned but always 2-byte aligned, so a block is read as
// 9 u16 halves through the u32 words (half h is bits 16 (h & 1) .. of word h / 2). One invocation per row.
// The first check compares with a float64 product over the DEQUANTIZED weights (tight tolerance: only f32
// rounding differs); the second compares with the product over the float weights before quantization, with a
// tolerance wide enough for 4-bit weights, to report the end-to-end error (its SQNR is the number to read).
// @let M = 512
// @let K = 1024
// @require K % 32 == 0
// @dispatch ceil(M / 64)
// @buffer w[M * K] = random(-1, 1)
// @quantize w: q4_0
// @buffer x[K] = random(-1, 1)
// @buffer y[M]
// @uniform params = { m: M, k: K }
// @check y ~ js("../ref/q4_0-gemv.mjs") rtol=1e-4 atol=1e-4
// @check y ~ js("../ref/q4_0-gemv-float.mjs") rtol=0.5 atol=5

struct Params {
  m: u32,
  k: u32,
}

@group(0) @binding(0) var<storage, read> w: array<u32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

fn half_at(h: u32) -> u32 {
  return (w[h >> 1u] >> ((h & 1u) * 16u)) & 0xffffu;
}

fn code(q: u32, shift: u32) -> f32 {
  return f32(i32((q >> shift) & 0xfu) - 8);
}

@compute @workgroup_size(64)
fn q4_0_gemv(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = gid.x;
  if (row >= params.m) {
    return;
  }
  let nb = params.k / 32u;
  var acc = 0.0;
  for (var b = 0u; b < nb; b++) {
    let h0 = (row * nb + b) * 9u;
    let d = unpack2x16float(half_at(h0)).x;
    let xb = b * 32u;
    var s = 0.0;
    for (var i = 0u; i < 8u; i++) {
      // Bytes 2i and 2i + 1 of the codes: weights 2i, 2i + 16, 2i + 1, 2i + 17.
      let q = half_at(h0 + 1u + i);
      let j = xb + 2u * i;
      s += code(q, 0u) * x[j] + code(q, 4u) * x[j + 16u] + code(q, 8u) * x[j + 1u] + code(q, 12u) * x[j + 17u];
    }
    acc += d * s;
  }
  y[row] = acc;
}
