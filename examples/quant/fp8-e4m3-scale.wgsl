// fp8 E4M3 decode and scale: y[i] = decode_e4m3(x[i]) * s, the decode written with bit manipulation.
// Layout uploaded by `@quantize x: e4m3`: one OCP E4M3 code per byte (sign, 4-bit exponent with bias 7, 3-bit
// mantissa; no infinity; 0x7F/0xFF are NaN; round-to-nearest-even, saturating at +-448), four per u32
// little-endian (element 4k + i in bits 8i of word k).
// The first check compares with float64 over the DEQUANTIZED values: exact (an e4m3 value times 0.75 is exact in
// f32). The second compares with the float values before quantization, tolerance wide enough for a 3-bit
// mantissa, to report the end-to-end SQNR (about 30 dB for e4m3).
// @let N = 65536
// @dispatch ceil(N / 256)
// @buffer x[N] = random(-2, 2)
// @quantize x: e4m3
// @buffer y[N]
// @uniform params = { n: N, s: 0.75 }
// @check y ~ js("../ref/fp8-e4m3-scale.mjs") rtol=0 atol=0
// @check y ~ js("../ref/fp8-e4m3-scale-float.mjs") rtol=0.1 atol=0.01

struct Params {
  n: u32,
  s: f32,
}

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

fn decode_e4m3(c: u32) -> f32 {
  let sign = (c & 0x80u) << 24u;
  let e = (c >> 3u) & 0xfu;
  let m = c & 0x7u;
  if (e == 15u && m == 7u) {
    // NaN (0x7F / 0xFF): an f32 NaN with the code's sign, built at run time (a constant NaN is a shader error).
    return bitcast<f32>(sign | 0x7f800000u | (m << 20u));
  }
  if (e == 0u) {
    // Subnormal: m / 8 * 2^(1 - 7) = m * 2^-9 (m == 0 gives a signed zero).
    return bitcast<f32>(sign | bitcast<u32>(f32(m) * 0.001953125));
  }
  // Normal: rebias the exponent (7 -> 127) and place the 3 mantissa bits at the top of f32's 23.
  return bitcast<f32>(sign | ((e + 120u) << 23u) | (m << 20u));
}

@compute @workgroup_size(256)
fn fp8_e4m3_scale(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= params.n) {
    return;
  }
  let code = (x[i >> 2u] >> ((i & 3u) * 8u)) & 0xffu;
  y[i] = decode_e4m3(code) * params.s;
}
