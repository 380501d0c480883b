// A tour of WGSL syntax (and KernelLens launch directives) that exercises every rule of the highlighting grammar.
enable f16;
requires packed_4x8_integer_dot_product;
diagnostic(off, derivative_uniformity);

// Launch directives: comment lines that start with `@` + a directive keyword.
// @let N = 1 << 20
// @override TILE = 64
// @dispatch ceil(N / TILE)
// @buffer x[N] = random(-1, 1)
// @buffer y[N] = randint(0, 10)
// @buffer out[N]
// @uniform params = { n: N, alpha: 2.0 }
// @check out ~ reference_entry rtol=1e-5
// @sweep TILE in [32, 64, 128]
// @require N % TILE == 0
// An ordinary comment stays an ordinary comment, and so does a trailing one: see below.

/* Block comments /* nest */ and can
   span lines. */

// #region Module-scope declarations
alias Index = u32;
alias Tile = array<vec4<f32>, 16>;

const PI: f32 = 3.14159265;
const HALF = 0.5f;
const MASK = 0x1Fu;
const NEG = -2i;
const BIG = 1e-3;
const HEXF = 0x1.8p3f;
const FRACTION = .5;
const HALF_PRECISION = 2h;
const LIMIT = 0xFFi;
const_assert MASK < 32u;

@id(0) override TILE: u32 = 64u;
override SCALE: f32 = 1.0;

struct Params {
  n: u32,
  alpha: f32,
}

struct Particle {
  @align(16) position: vec3f,
  @size(16) velocity: vec3<f32>,
  color: vec4h,
  flags: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;
@group(0) @binding(4) var<storage, read_write> counter: atomic<u32>;
@group(0) @binding(5) var<storage, read_write> particles: array<Particle>;

@group(1) @binding(0) var color_texture: texture_2d<f32>;
@group(1) @binding(1) var color_sampler: sampler;
@group(1) @binding(2) var depth_texture: texture_depth_2d;
@group(1) @binding(3) var shadow_sampler: sampler_comparison;
@group(1) @binding(4) var output_texture: texture_storage_2d<rgba8unorm, write>;

var<private> seed: u32 = 7u;
var<workgroup> tile: array<array<f32, 16>, 16>;
var<workgroup> partial: Tile;
// #endregion

// #region Functions
@must_use
fn scaled(value: f32, factor: f32) -> f32 {
  return value * factor * SCALE;
}

fn increment(p: ptr<function, u32>) {
  *p += 1u;
}

fn transform(m: mat4x4f, v: vec4<f32>) -> vec4f {
  let identity = mat4x4<f32>(1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0);
  return identity * m * v;
}

fn bits(v: f32) -> u32 {
  var result = bitcast<u32>(v) & 0xFFFFu;
  result = (result << 2u) | (result >> 30u);
  result ^= ~0u;
  let packed = dot4U8Packed(result, 0x01010101u);
  let is_odd = (packed % 2u) != 0u && !(packed == 0u);
  return select(result, packed, is_odd);
}

fn reference(i: u32) -> f32 {
  return params.alpha * x[i] + y[i];
}
// #endregion

// #region Entry points
@compute @workgroup_size(64, 1, 1)
fn reference_entry(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i < params.n) {
    out[i] = reference(i);
  }
}

@compute @workgroup_size(TILE)
fn main(
  @builtin(global_invocation_id) gid: vec3u,
  @builtin(local_invocation_index) lid: u32,
  @builtin(workgroup_id) wid: vec3u,
) {
  let i: Index = gid.x;
  let n = params.n;
  var count = 0u;
  var sum: f32 = 0.0;
  var local_values: array<vec4<f32>, 16>;

  for (var k = 0u; k < 16u; k++) {
    local_values[k] = vec4f(f32(k), 0.0, 0.0, 1.0);
    tile[k][lid % 16u] = 0.0;
  }
  partial[lid % 16u] = local_values[lid % 16u];
  workgroupBarrier();

  var j = 0u;
  loop {
    if j >= 4u { break; }
    sum += scaled(tile[j][0], HALF);
    continuing {
      j = j + 1u;
      break if j > 8u;
    }
  }

  while (count < 2u) {
    increment(&count);
  }

  switch (wid.x % 3u) {
    case 0u: {
      sum -= 1.0;
    }
    case 1u, 2u {
      sum *= 2.0;
    }
    default: {
      sum = -sum;
    }
  }

  if (i < n) {
    let v = x[i] * params.alpha + y[i];
    out[i] = v + sum + f32(bits(v)); // A trailing comment: @let M = 4 is not a directive here.
    particles[i].flags = u32(MASK);
    atomicAdd(&counter, 1u);
  } else if (i == n) {
    _ = atomicLoad(&counter);
  }
}

struct VertexOutput {
  @invariant @builtin(position) position: vec4f,
  @location(0) @interpolate(perspective, center) uv: vec2f,
  @location(1) @interpolate(flat) instance: u32,
}

@vertex
fn vs_main(@builtin(vertex_index) vertex: u32, @builtin(instance_index) instance: u32) -> VertexOutput {
  var corners = array<vec2f, 3>(vec2f(-1.0, -1.0), vec2f(3.0, -1.0), vec2f(-1.0, 3.0));
  var output: VertexOutput;
  output.position = vec4f(corners[vertex], 0.0, 1.0);
  output.uv = corners[vertex] * 0.5 + vec2f(0.5);
  output.instance = instance;
  return output;
}

@fragment
@diagnostic(warning, derivative_uniformity)
fn fs_main(input: VertexOutput) -> @location(0) vec4<f32> {
  let color = textureSample(color_texture, color_sampler, input.uv);
  let shadow = textureSampleCompare(depth_texture, shadow_sampler, input.uv, 0.5);
  if (color.a < 0.01) {
    discard;
  }
  let h: f16 = f16(color.r) * 1.5h;
  let half_vector = vec4h(h, h, h, 1.0h);
  return vec4f(half_vector) * shadow * dpdx(input.uv.x);
}

@compute @workgroup_size(8, 8)
fn write_texture(@builtin(global_invocation_id) gid: vec3u) {
  let size = textureDimensions(output_texture);
  if (all(gid.xy < size)) {
    textureStore(output_texture, gid.xy, vec4f(0.0, 0.5, 1.0, 1.0));
  }
}
// #endregion
