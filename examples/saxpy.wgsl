// SAXPY: out = alpha * x + y over N floats, one invocation per element.
//
// By hand, per dispatch: N invocations do one multiply and one add (2 FLOPs), so 2 N FLOPs; they read x and y and
// write out once each, so 3 N * 4 bytes of compulsory traffic. With N = 2^20: 2,097,152 FLOPs and 12,582,912 bytes.
// @let N = 1 << 20
// @dispatch ceil(N / 256)
// @buffer x[N] = random(-1, 1)
// @buffer y[N] = random(-1, 1)
// @buffer out[N]
// @uniform params = { n: N, alpha: 2.5 }
// @check out ~ js("./ref/saxpy.mjs")

struct Params {
  n: u32,
  alpha: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(256)
fn saxpy(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i < params.n) {
    out[i] = fma(params.alpha, x[i], y[i]);
  }
}
