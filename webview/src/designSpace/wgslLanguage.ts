// WGSL for Monaco: a small Monarch tokenizer (keywords, types, attributes, builtins, numbers, comments, launch directives).
//
// Monaco ships no WGSL. The editors here are read-only views of a kernel variant, so colouring is all they need:
// the token names are the ones Monaco's built-in themes already colour (`keyword`, `type`, `number`, `comment`,
// `annotation`, `variable.predefined`), so vs, vs-dark and the high-contrast themes all show WGSL without rules of
// their own. The lists follow the WGSL specification's keywords, predeclared types and builtin functions.
import type { languages } from "monaco-editor/editor";

export const wgslLanguageId = "wgsl";

const keywords = [
  "alias", "break", "case", "const", "const_assert", "continue", "continuing", "default", "diagnostic", "discard",
  "else", "enable", "false", "fn", "for", "if", "let", "loop", "override", "requires", "return", "struct", "switch",
  "true", "var", "while",
];

/** Address spaces and access modes read as keywords in `var<storage, read_write>`. */
const modifiers = ["function", "private", "workgroup", "uniform", "storage", "handle", "read", "write", "read_write"];

const types = [
  "bool", "f16", "f32", "i32", "u32", "vec2", "vec3", "vec4", "mat2x2", "mat2x3", "mat2x4", "mat3x2", "mat3x3",
  "mat3x4", "mat4x2", "mat4x3", "mat4x4", "array", "atomic", "ptr", "sampler", "sampler_comparison",
  "texture_1d", "texture_2d", "texture_2d_array", "texture_3d", "texture_cube", "texture_cube_array",
  "texture_multisampled_2d", "texture_depth_2d", "texture_depth_2d_array", "texture_depth_cube",
  "texture_depth_cube_array", "texture_depth_multisampled_2d", "texture_external", "texture_storage_1d",
  "texture_storage_2d", "texture_storage_2d_array", "texture_storage_3d",
  // The predeclared aliases: vec4f, vec2u, mat4x4f...
  ...["vec2", "vec3", "vec4"].flatMap((v) => ["i", "u", "f", "h"].map((s) => `${v}${s}`)),
  ...["2", "3", "4"].flatMap((c) => ["2", "3", "4"].flatMap((r) => ["f", "h"].map((s) => `mat${c}x${r}${s}`))),
];

const builtins = [
  "abs", "acos", "acosh", "all", "any", "arrayLength", "asin", "asinh", "atan", "atan2", "atanh", "atomicAdd",
  "atomicAnd", "atomicCompareExchangeWeak", "atomicExchange", "atomicLoad", "atomicMax", "atomicMin", "atomicOr",
  "atomicStore", "atomicSub", "atomicXor", "bitcast", "ceil", "clamp", "cos", "cosh", "countLeadingZeros",
  "countOneBits", "countTrailingZeros", "cross", "degrees", "determinant", "distance", "dot", "dot4I8Packed",
  "dot4U8Packed", "exp", "exp2", "extractBits", "faceForward", "firstLeadingBit", "firstTrailingBit", "floor",
  "fma", "fract", "frexp", "insertBits", "inverseSqrt", "ldexp", "length", "log", "log2", "max", "min", "mix",
  "modf", "normalize", "pack2x16float", "pack4x8snorm", "pack4x8unorm", "pow", "quantizeToF16", "radians",
  "reflect", "refract", "reverseBits", "round", "saturate", "select", "sign", "sin", "sinh", "smoothstep", "sqrt",
  "step", "storageBarrier", "subgroupAdd", "subgroupBroadcast", "subgroupMax", "subgroupMin", "subgroupShuffle",
  "tan", "tanh", "textureBarrier", "textureDimensions", "textureLoad", "textureSample", "textureSampleLevel",
  "textureStore", "transpose", "trunc", "unpack2x16float", "unpack4x8snorm", "unpack4x8unorm", "workgroupBarrier",
  "workgroupUniformLoad",
];

export const wgslConfiguration: languages.LanguageConfiguration = {
  comments: { lineComment: "//", blockComment: ["/*", "*/"] },
  brackets: [
    ["{", "}"],
    ["[", "]"],
    ["(", ")"],
  ],
};

export const wgslTokens: languages.IMonarchLanguage = {
  defaultToken: "",
  tokenPostfix: ".wgsl",
  keywords: [...keywords, ...modifiers],
  types,
  builtins,
  tokenizer: {
    root: [
      // Launch directives: the `@keyword` stands out in its comment, as in the editor's own grammar.
      [/(\/\/\s*)(@[a-z]+)(.*)$/, ["comment", "annotation", "comment"]],
      [/\/\/.*$/, "comment"],
      [/\/\*/, "comment", "@blockComment"],
      // Preprocessor lines (#define, #ifdef...) of kernel libraries.
      [/^\s*#\s*[a-z]+/, "annotation"],
      [/@\s*[A-Za-z_]\w*/, "annotation"],
      [
        /[A-Za-z_]\w*/,
        { cases: { "@keywords": "keyword", "@types": "type", "@builtins": "variable.predefined", "@default": "identifier" } },
      ],
      [/0[xX][0-9a-fA-F]+[iu]?/, "number.hex"],
      [/(\d+\.\d*|\.\d+)([eE][+-]?\d+)?[fh]?/, "number.float"],
      [/\d+[eE][+-]?\d+[fh]?/, "number.float"],
      [/\d+[fh]/, "number.float"],
      [/\d+[iu]?/, "number"],
      [/[{}()[\]]/, "@brackets"],
      [/[;,.:]/, "delimiter"],
      [/->|[-+*/%&|^!~<>=]+/, "operator"],
      [/\s+/, "white"],
    ],
    blockComment: [
      [/[^/*]+/, "comment"],
      // WGSL block comments nest.
      [/\/\*/, "comment", "@push"],
      [/\*\//, "comment", "@pop"],
      [/[/*]/, "comment"],
    ],
  },
};
