// Unit tests for the WGSL built-in catalogue (spec coverage, docs, aliases), its cost rules and its hover text.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  accessModes,
  addressSpaces,
  attributes,
  builtinFunctions,
  builtinResultStructs,
  builtinTypes,
  builtinValues,
  enableExtensions,
  isBuiltinFunction,
  isBuiltinType,
  isBuiltinValue,
  keywords,
  lookupBuiltin,
  texelFormats,
} from "../../server/src/core/wgsl/builtinCatalogue";
import { describeCost, estimateBuiltinCost } from "../../server/src/core/wgsl/builtinCosts";
import { builtinHoverMarkdown } from "../../server/src/core/wgsl/builtinDocs";
import { parseWgsl } from "../../server/src/core/wgsl/parser";
import { resolveModule } from "../../server/src/core/wgsl/resolve";
import { alignOf, sizeOf, strideOf } from "../../server/src/core/wgsl/types";

/** Size, alignment and (arrays) stride of a type spelling, from the type model's layout (types.ts), as a storage buffer declares it. */
function layoutOf(spelling: string): { sizeBytes: number | null; alignBytes: number | null; strideBytes?: number | null } {
  const res = resolveModule(parseWgsl(`enable f16;\n@group(0) @binding(0) var<storage, read_write> v: ${spelling};`));
  const symbol = res.symbols.find((s) => s.name === "v");
  assert.ok(symbol, spelling);
  const t = res.types.typeOfDeclaration(symbol);
  return t.kind === "array" ? { sizeBytes: sizeOf(t), alignBytes: alignOf(t), strideBytes: strideOf(t) } : { sizeBytes: sizeOf(t), alignBytes: alignOf(t) };
}

// Every built-in function of the WGSL specification (constructors excepted: they are types), written out by hand.
const SPEC_FUNCTIONS: Record<string, string[]> = {
  "bit-reinterpretation": ["bitcast"],
  logical: ["all", "any", "select"],
  array: ["arrayLength"],
  numeric: [
    "abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "atan2", "ceil", "clamp", "cos", "cosh",
    "countLeadingZeros", "countOneBits", "countTrailingZeros", "cross", "degrees", "determinant", "distance", "dot",
    "dot4U8Packed", "dot4I8Packed", "exp", "exp2", "extractBits", "faceForward", "firstLeadingBit", "firstTrailingBit",
    "floor", "fma", "fract", "frexp", "insertBits", "inverseSqrt", "ldexp", "length", "log", "log2", "max", "min",
    "mix", "modf", "normalize", "pow", "quantizeToF16", "radians", "reflect", "refract", "reverseBits", "round",
    "saturate", "sign", "sin", "sinh", "smoothstep", "sqrt", "step", "tan", "tanh", "transpose", "trunc",
  ],
  derivative: ["dpdx", "dpdxCoarse", "dpdxFine", "dpdy", "dpdyCoarse", "dpdyFine", "fwidth", "fwidthCoarse", "fwidthFine"],
  texture: [
    "textureDimensions", "textureGather", "textureGatherCompare", "textureLoad", "textureNumLayers", "textureNumLevels",
    "textureNumSamples", "textureSample", "textureSampleBias", "textureSampleCompare", "textureSampleCompareLevel",
    "textureSampleGrad", "textureSampleLevel", "textureSampleBaseClampToEdge", "textureStore",
  ],
  atomic: [
    "atomicLoad", "atomicStore", "atomicAdd", "atomicSub", "atomicMax", "atomicMin", "atomicAnd", "atomicOr", "atomicXor",
    "atomicExchange", "atomicCompareExchangeWeak", "atomicStoreMin", "atomicStoreMax",
  ],
  packing: [
    "pack4x8snorm", "pack4x8unorm", "pack4xI8", "pack4xU8", "pack4xI8Clamp", "pack4xU8Clamp", "pack2x16snorm",
    "pack2x16unorm", "pack2x16float", "unpack4x8snorm", "unpack4x8unorm", "unpack4xI8", "unpack4xU8",
    "unpack2x16snorm", "unpack2x16unorm", "unpack2x16float",
  ],
  synchronization: ["storageBarrier", "textureBarrier", "workgroupBarrier", "workgroupUniformLoad"],
  subgroup: [
    "subgroupAdd", "subgroupExclusiveAdd", "subgroupInclusiveAdd", "subgroupAll", "subgroupAny", "subgroupAnd",
    "subgroupOr", "subgroupXor", "subgroupBallot", "subgroupBroadcast", "subgroupBroadcastFirst", "subgroupElect",
    "subgroupMax", "subgroupMin", "subgroupMul", "subgroupExclusiveMul", "subgroupInclusiveMul", "subgroupShuffle",
    "subgroupShuffleDown", "subgroupShuffleUp", "subgroupShuffleXor",
  ],
  quad: ["quadBroadcast", "quadSwapDiagonal", "quadSwapX", "quadSwapY"],
};
const ALL_SPEC_FUNCTIONS = Object.values(SPEC_FUNCTIONS).flat();

describe("WGSL built-in functions", () => {
  it("the hand-written spec list has no duplicates", () => {
    assert.equal(new Set(ALL_SPEC_FUNCTIONS).size, ALL_SPEC_FUNCTIONS.length);
  });

  it("covers every spec function, in the right category, and nothing else", () => {
    for (const [category, names] of Object.entries(SPEC_FUNCTIONS)) {
      for (const name of names) {
        const fn = builtinFunctions.get(name);
        assert.ok(fn, `missing ${name}`);
        assert.equal(fn.category, category, `${name} category`);
      }
    }
    const extra = [...builtinFunctions.keys()].filter((n) => !ALL_SPEC_FUNCTIONS.includes(n));
    assert.deepEqual(extra, []);
    assert.equal(builtinFunctions.size, ALL_SPEC_FUNCTIONS.length);
  });

  it("every entry has a doc, signatures starting with `fn <name>`, and a consistent cost", () => {
    for (const [name, fn] of builtinFunctions) {
      assert.equal(fn.name, name);
      assert.ok(fn.doc.trim().length > 20, `${name} doc`);
      assert.ok(fn.signatures.length > 0, `${name} signatures`);
      for (const s of fn.signatures) assert.ok(s.startsWith(`fn ${name}`), `${name}: ${s}`);
      assert.ok(describeCost(fn.cost).length > 0, `${name} cost description`);
      for (const p of fn.params ?? []) assert.ok(p.doc.length > 0, `${name} param ${p.name}`);
      // Parameters documented must appear in some signature.
      for (const p of fn.params ?? []) assert.ok(fn.signatures.some((s) => s.includes(`${p.name}:`)), `${name} param ${p.name} not in a signature`);
    }
  });

  it("marks requirements, stages and must_use", () => {
    for (const name of [...(SPEC_FUNCTIONS.subgroup ?? []), ...(SPEC_FUNCTIONS.quad ?? [])]) {
      assert.equal(builtinFunctions.get(name)?.requires, "subgroups", name);
    }
    assert.equal(builtinFunctions.get("atomicStoreMax")?.requires, "atomic_vec2u_min_max");
    assert.equal(builtinFunctions.get("dot4I8Packed")?.languageExtension, "packed_4x8_integer_dot_product");
    assert.equal(builtinFunctions.get("dot4I8Packed")?.requires, undefined);
    assert.deepEqual(builtinFunctions.get("textureSample")?.stages, ["fragment"]);
    assert.deepEqual(builtinFunctions.get("workgroupBarrier")?.stages, ["compute"]);
    assert.equal(builtinFunctions.get("workgroupBarrier")?.uniformity, "workgroup");
    assert.equal(builtinFunctions.get("dpdx")?.uniformity, "derivative");
    assert.equal(builtinFunctions.get("textureSampleLevel")?.stages, undefined);
    assert.equal(builtinFunctions.get("sqrt")?.mustUse, true);
    assert.equal(builtinFunctions.get("sqrt")?.constEvaluable, true);
    assert.equal(builtinFunctions.get("workgroupUniformLoad")?.mustUse, true);
    assert.equal(builtinFunctions.get("atomicAdd")?.mustUse, false);
    assert.equal(builtinFunctions.get("textureStore")?.mustUse, false);
    assert.equal(builtinFunctions.get("workgroupBarrier")?.mustUse, false);
  });
});

describe("cost classes", () => {
  const cost = (name: string) => builtinFunctions.get(name)?.cost;

  it("classifies known functions", () => {
    assert.deepEqual(cost("fma"), { kind: "flop", flops: 2 });
    assert.deepEqual(cost("mix"), { kind: "flop", flops: 3 });
    assert.deepEqual(cost("clamp"), { kind: "flop", flops: 2 });
    assert.deepEqual(cost("abs"), { kind: "flop", flops: 0 });
    for (const name of ["exp", "exp2", "log", "log2", "sin", "cos", "sqrt", "inverseSqrt", "pow", "tanh"]) {
      assert.equal(cost(name)?.kind, "special", name);
    }
    for (const name of ["countOneBits", "extractBits", "insertBits", "reverseBits", "dot4I8Packed", "dot4U8Packed"]) {
      assert.equal(cost(name)?.kind, "int", name);
    }
    for (const name of ["atomicAdd", "atomicCompareExchangeWeak", "textureLoad", "textureStore", "textureSample"]) {
      assert.equal(cost(name)?.kind, "memory", name);
    }
    for (const name of ["workgroupBarrier", "storageBarrier", "textureBarrier", "workgroupUniformLoad"]) {
      assert.equal(cost(name)?.kind, "barrier", name);
    }
    for (const name of ["bitcast", "arrayLength", "select", "transpose", "textureDimensions"]) {
      assert.equal(cost(name)?.kind, "none", name);
    }
  });

  it("estimates per-call counts from the call shape", () => {
    assert.deepEqual(estimateBuiltinCost("fma", { resultComponents: 4 }), { flops: 8, specialOps: 0, intOps: 0, memoryOps: 0, barriers: 0, crossLaneOps: 0 });
    assert.equal(estimateBuiltinCost("dot", { resultComponents: 1, operandComponents: 4 })?.flops, 7);
    assert.equal(estimateBuiltinCost("dot", { resultComponents: 1, operandComponents: 3 })?.flops, 5);
    assert.equal(estimateBuiltinCost("dot", { operandComponents: 4, integerOperands: true })?.intOps, 7);
    assert.equal(estimateBuiltinCost("dot", { operandComponents: 4, integerOperands: true })?.flops, 0);
    assert.deepEqual(estimateBuiltinCost("length", { operandComponents: 3 }), { flops: 5, specialOps: 1, intOps: 0, memoryOps: 0, barriers: 0, crossLaneOps: 0 });
    assert.deepEqual(estimateBuiltinCost("normalize", { resultComponents: 3 }), { flops: 8, specialOps: 1, intOps: 0, memoryOps: 0, barriers: 0, crossLaneOps: 0 });
    assert.deepEqual(estimateBuiltinCost("sin", { resultComponents: 2 }), { flops: 2, specialOps: 2, intOps: 0, memoryOps: 0, barriers: 0, crossLaneOps: 0 });
    assert.equal(estimateBuiltinCost("pow")?.specialOps, 2);
    assert.equal(estimateBuiltinCost("cross", { resultComponents: 3 })?.flops, 9);
    assert.equal(estimateBuiltinCost("determinant", { operandSize: 2 })?.flops, 3);
    assert.equal(estimateBuiltinCost("determinant", { operandComponents: 9 })?.flops, 14);
    assert.equal(estimateBuiltinCost("determinant", { operandSize: 4 })?.flops, 45);
    assert.equal(estimateBuiltinCost("dot4I8Packed")?.intOps, 15);
    assert.equal(estimateBuiltinCost("all", { operandComponents: 4 })?.intOps, 3);
    assert.equal(estimateBuiltinCost("all", { operandComponents: 1 })?.intOps, 0);
    assert.equal(estimateBuiltinCost("pack4x8unorm", { operandComponents: 4 })?.flops, 12);
    assert.equal(estimateBuiltinCost("pack4x8unorm", { operandComponents: 4 })?.intOps, 8);
    assert.equal(estimateBuiltinCost("atomicAdd")?.memoryOps, 1);
    assert.equal(estimateBuiltinCost("workgroupBarrier")?.barriers, 1);
    assert.deepEqual(estimateBuiltinCost("subgroupAdd"), { flops: 5, specialOps: 0, intOps: 0, memoryOps: 0, barriers: 0, crossLaneOps: 5 });
    assert.equal(estimateBuiltinCost("subgroupAdd", { subgroupSize: 64 })?.flops, 6);
    assert.equal(estimateBuiltinCost("subgroupShuffleXor", { resultComponents: 4 })?.crossLaneOps, 4);
    assert.equal(estimateBuiltinCost("fwidth")?.flops, 3);
    assert.equal(estimateBuiltinCost("noSuchFunction"), undefined);
  });

  it("describes costs in words", () => {
    assert.equal(describeCost({ kind: "flop", flops: 2 }), "2 FLOPs per component");
    const dot = builtinFunctions.get("dot");
    assert.ok(dot);
    assert.match(describeCost(dot.cost), /2N − 1 FLOPs/);
    assert.match(describeCost({ kind: "special" }), /1 special-function op per component/);
  });
});

describe("hover markdown", () => {
  it("puts the signatures in a wgsl code block, then the doc, then the cost", () => {
    const md = builtinHoverMarkdown("clamp");
    assert.ok(md);
    assert.ok(md.startsWith("```wgsl\nfn clamp(e: T, low: T, high: T) -> T\n```"), md);
    const fn = builtinFunctions.get("clamp");
    assert.ok(fn && md.includes(fn.doc));
    assert.match(md, /\nCost: 2 FLOPs per component\./);
    assert.ok(md.indexOf(fn.doc) < md.indexOf("Cost:"));
  });

  it("lists every overload and requirement", () => {
    const md = builtinHoverMarkdown("textureSampleLevel") ?? "";
    for (const s of builtinFunctions.get("textureSampleLevel")?.signatures ?? []) assert.ok(md.includes(s));
    assert.match(builtinHoverMarkdown("subgroupAdd") ?? "", /Requires `enable subgroups;`/);
  });

  it("covers types, values and context tables", () => {
    assert.match(builtinHoverMarkdown("vec4f") ?? "", /alias vec4f = vec4<f32>;/);
    assert.match(builtinHoverMarkdown("vec3f") ?? "", /Size: 12 bytes, alignment: 16 bytes/);
    assert.match(builtinHoverMarkdown("global_invocation_id") ?? "", /@builtin\(global_invocation_id\) global_invocation_id: vec3<u32>/);
    assert.match(builtinHoverMarkdown("workgroup_size", "attribute") ?? "", /@workgroup_size\(64\)/);
    assert.match(builtinHoverMarkdown("storage", "addressSpace") ?? "", /var<storage>/);
    assert.match(builtinHoverMarkdown("f16", "extension") ?? "", /enable f16;/);
    assert.match(builtinHoverMarkdown("__frexp_result_vec2_f32") ?? "", /fract: vec2<f32>/);
    assert.equal(builtinHoverMarkdown("notABuiltin"), undefined);
  });
});

describe("built-in types", () => {
  it("has scalars, vectors, matrices, generators, textures and samplers", () => {
    for (const name of ["bool", "i32", "u32", "f32", "f16", "vec2", "vec3", "vec4", "array", "atomic", "ptr", "sampler", "sampler_comparison", "texture_external"]) {
      assert.ok(builtinTypes.has(name), name);
    }
    for (const c of [2, 3, 4]) for (const r of [2, 3, 4]) for (const s of ["", "f", "h"]) assert.ok(builtinTypes.has(`mat${c}x${r}${s}`), `mat${c}x${r}${s}`);
    for (const n of [2, 3, 4]) for (const s of ["i", "u", "f", "h"]) assert.ok(builtinTypes.has(`vec${n}${s}`), `vec${n}${s}`);
    const textures = [...builtinTypes.values()].filter((t) => t.kind === "texture").map((t) => t.name);
    assert.equal(textures.length, 17);
    for (const t of ["texture_storage_2d_array", "texture_depth_multisampled_2d", "texture_cube_array"]) assert.ok(textures.includes(t));
    for (const t of builtinTypes.values()) assert.ok(t.doc.length > 10, t.name);
  });

  it("resolves aliases", () => {
    assert.equal(builtinTypes.get("vec4f")?.aliasOf, "vec4<f32>");
    assert.equal(builtinTypes.get("vec2u")?.aliasOf, "vec2<u32>");
    assert.equal(builtinTypes.get("vec3h")?.aliasOf, "vec3<f16>");
    assert.equal(builtinTypes.get("vec3h")?.requires, "f16");
    assert.equal(builtinTypes.get("mat4x4f")?.aliasOf, "mat4x4<f32>");
    assert.equal(builtinTypes.get("mat2x3h")?.aliasOf, "mat2x3<f16>");
  });

  it("gives aliases the sizes and alignments of the type model's layout (types.ts)", () => {
    assert.deepEqual(layoutOf("vec3<f32>"), { sizeBytes: 12, alignBytes: 16 });
    assert.equal(builtinTypes.get("vec3f")?.sizeBytes, 12);
    assert.equal(builtinTypes.get("vec3f")?.alignBytes, 16);
    assert.deepEqual(layoutOf("vec3f"), { sizeBytes: 12, alignBytes: 16 });
    assert.deepEqual(layoutOf("vec2<f32>"), { sizeBytes: 8, alignBytes: 8 });
    assert.deepEqual(layoutOf("vec4<f16>"), { sizeBytes: 8, alignBytes: 8 });
    assert.deepEqual(layoutOf("vec3<f16>"), { sizeBytes: 6, alignBytes: 8 });
    assert.deepEqual(layoutOf("f16"), { sizeBytes: 2, alignBytes: 2 });
    assert.deepEqual(layoutOf("bool"), { sizeBytes: 4, alignBytes: 4 });
    assert.deepEqual(layoutOf("atomic<u32>"), { sizeBytes: 4, alignBytes: 4 });
    // Matrices: columns of vecR, padded to the column alignment (table in the spec's alignment section).
    const mats: [string, number, number][] = [
      ["mat2x2<f32>", 16, 8], ["mat3x2<f32>", 24, 8], ["mat4x2<f32>", 32, 8], ["mat2x3<f32>", 32, 16], ["mat3x3<f32>", 48, 16],
      ["mat4x3<f32>", 64, 16], ["mat2x4<f32>", 32, 16], ["mat3x4<f32>", 48, 16], ["mat4x4<f32>", 64, 16], ["mat2x2<f16>", 8, 4],
      ["mat3x2<f16>", 12, 4], ["mat2x3<f16>", 16, 8], ["mat3x3<f16>", 24, 8], ["mat4x3<f16>", 32, 8], ["mat4x4<f16>", 32, 8],
    ];
    for (const [type, size, align] of mats) {
      assert.deepEqual(layoutOf(type), { sizeBytes: size, alignBytes: align }, type);
      const alias = builtinTypes.get(type.replace(/<f32>/, "f").replace(/<f16>/, "h"));
      assert.equal(alias?.sizeBytes, size, `${type} alias`);
      assert.equal(alias?.alignBytes, align, `${type} alias`);
    }
    // Every alias and scalar the catalogue sizes agrees with the type model.
    for (const t of builtinTypes.values()) {
      if (t.sizeBytes === undefined || t.kind === "atomic") continue;
      assert.deepEqual(layoutOf(t.name), { sizeBytes: t.sizeBytes, alignBytes: t.alignBytes }, t.name);
    }
    // Arrays: stride is the element size rounded up to its alignment.
    assert.deepEqual(layoutOf("array<vec3<f32>, 8>"), { sizeBytes: 128, alignBytes: 16, strideBytes: 16 });
    assert.deepEqual(layoutOf("array<f32, 8u>"), { sizeBytes: 32, alignBytes: 4, strideBytes: 4 });
    // A runtime-sized array counts one element, as WebGPU's minimum binding size does.
    assert.deepEqual(layoutOf("array< vec4f >"), { sizeBytes: 16, alignBytes: 16, strideBytes: 16 });
  });

  it("describes the built-in result structures separately", () => {
    assert.deepEqual(builtinResultStructs.get("__frexp_result_f32")?.members, [
      { name: "fract", type: "f32" },
      { name: "exp", type: "i32" },
    ]);
    assert.deepEqual(builtinResultStructs.get("__modf_result_vec3_f16")?.members?.map((m) => m.type), ["vec3<f16>", "vec3<f16>"]);
    assert.ok(builtinResultStructs.has("__atomic_compare_exchange_result"));
    assert.equal(builtinTypes.has("__frexp_result_f32"), false);
  });
});

describe("built-in values", () => {
  it("lists every spec value with stage, direction and type", () => {
    const expected: Record<string, string> = {
      vertex_index: "u32", instance_index: "u32", clip_distances: "array<f32, N>", position: "vec4<f32>", front_facing: "bool",
      frag_depth: "f32", primitive_index: "u32", sample_index: "u32", sample_mask: "u32", local_invocation_id: "vec3<u32>",
      local_invocation_index: "u32", global_invocation_id: "vec3<u32>", global_invocation_index: "u32", workgroup_id: "vec3<u32>",
      workgroup_index: "u32", num_workgroups: "vec3<u32>", subgroup_invocation_id: "u32", subgroup_size: "u32", subgroup_id: "u32",
      num_subgroups: "u32",
    };
    assert.deepEqual([...builtinValues.keys()].sort(), Object.keys(expected).sort());
    for (const [name, type] of Object.entries(expected)) assert.equal(builtinValues.get(name)?.type, type, name);
    assert.deepEqual(builtinValues.get("global_invocation_id")?.stage, ["compute"]);
    assert.equal(builtinValues.get("global_invocation_id")?.direction, "input");
    assert.deepEqual(builtinValues.get("position")?.stage, ["vertex", "fragment"]);
    assert.equal(builtinValues.get("position")?.direction, "output");
    assert.deepEqual(builtinValues.get("position")?.io, [
      { stage: "vertex", direction: "output" },
      { stage: "fragment", direction: "input" },
    ]);
    assert.equal(builtinValues.get("frag_depth")?.direction, "output");
    assert.deepEqual(builtinValues.get("subgroup_size")?.stage, ["compute", "fragment"]);
    assert.equal(builtinValues.get("subgroup_size")?.requires, "subgroups");
    assert.equal(builtinValues.get("clip_distances")?.requires, "clip_distances");
  });
});

describe("lookup", () => {
  it("finds functions, types and values and tells them apart", () => {
    const fn = lookupBuiltin("fma");
    assert.ok(isBuiltinFunction(fn) && fn.category === "numeric");
    const type = lookupBuiltin("vec4f");
    assert.ok(isBuiltinType(type) && type.aliasOf === "vec4<f32>");
    const value = lookupBuiltin("local_invocation_index");
    assert.ok(isBuiltinValue(value) && value.type === "u32");
    assert.equal(lookupBuiltin("whatever"), undefined);
  });
});

describe("attributes, enumerants, keywords and extensions", () => {
  it("has every attribute", () => {
    for (const name of [
      "compute", "workgroup_size", "group", "binding", "builtin", "location", "interpolate", "invariant", "id", "align", "size",
      "must_use", "vertex", "fragment", "diagnostic", "blend_src", "const", "subgroup_size",
    ]) {
      assert.ok(attributes.get(name)?.doc, name);
    }
    assert.equal(attributes.get("workgroup_size")?.snippet, "workgroup_size(${1:64})");
  });

  it("has address spaces and access modes", () => {
    assert.deepEqual([...addressSpaces.keys()].sort(), ["function", "handle", "immediate", "private", "storage", "uniform", "workgroup"]);
    assert.deepEqual([...accessModes.keys()].sort(), ["read", "read_write", "write"]);
  });

  it("has exactly the WGSL keywords", () => {
    assert.equal(new Set(keywords).size, keywords.length);
    assert.deepEqual([...keywords].sort(), [
      "alias", "break", "case", "const", "const_assert", "continue", "continuing", "default", "diagnostic", "discard", "else",
      "enable", "false", "fn", "for", "if", "let", "loop", "override", "requires", "return", "struct", "switch", "true", "var", "while",
    ]);
  });

  it("has enable-extensions and language extensions", () => {
    for (const name of ["f16", "clip_distances", "dual_source_blending", "subgroups", "primitive_index"]) {
      assert.equal(enableExtensions.get(name)?.kind, "enable", name);
      assert.ok(enableExtensions.get(name)?.feature, name);
    }
    for (const name of ["readonly_and_readwrite_storage_textures", "packed_4x8_integer_dot_product", "unrestricted_pointer_parameters", "pointer_composite_access"]) {
      assert.equal(enableExtensions.get(name)?.kind, "language", name);
    }
    // Every requirement named anywhere in the catalogue is a known extension of the right kind.
    const all = [...builtinFunctions.values(), ...builtinValues.values(), ...builtinTypes.values(), ...attributes.values()];
    for (const item of all) {
      if (item.requires) assert.equal(enableExtensions.get(item.requires)?.kind, "enable", `${item.name} requires ${item.requires}`);
      if ("languageExtension" in item && item.languageExtension) {
        assert.equal(enableExtensions.get(item.languageExtension)?.kind, "language", `${item.name} needs ${item.languageExtension}`);
      }
    }
  });

  it("has texel formats with channel types and sizes", () => {
    assert.equal(texelFormats.get("rgba8unorm")?.channelType, "f32");
    assert.equal(texelFormats.get("rgba32uint")?.bytesPerTexel, 16);
    assert.equal(texelFormats.get("r32sint")?.channelType, "i32");
    assert.equal(texelFormats.get("r8unorm")?.languageExtension, "texture_formats_tier1");
  });
});
