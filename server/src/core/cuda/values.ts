// Values and places of the CUDA lowering: what a C++ expression evaluates to while a kernel (or the host code that
// launches it) is executed symbolically once.
import type { VExpr } from "../kernel/vexpr";
import type { CType } from "./types";

/** Memory a pointer can point into. Byte offsets everywhere (a local array's too). */
export type Base =
  | { readonly k: "mem"; readonly binding: string; readonly space: MemSpace }
  | { readonly k: "local"; readonly slot: Slot }
  /** A host allocation (cudaMalloc, std::vector, new): its size in bytes where the code shows it. */
  | { readonly k: "host"; readonly id: string; readonly bytes: VExpr | undefined }
  | { readonly k: "none"; readonly reason: string };

export type MemSpace = "global" | "workgroup" | "uniform";

export type Val =
  /** A scalar: an integer the model can follow, or an unknown (loaded data, a float). */
  | { readonly t: "s"; readonly e: VExpr; readonly ty: CType }
  /** A vector (float4, half2, dim3): one expression per component. */
  | { readonly t: "v"; readonly c: readonly VExpr[]; readonly ty: CType }
  /** A pointer: where it points and the byte offset; `ty` is the pointer type. */
  | { readonly t: "p"; readonly base: Base; readonly addr: VExpr; readonly ty: CType }
  | { readonly t: "st"; readonly f: ReadonlyMap<string, Val>; readonly ty: CType }
  /** An object only its type describes (a cooperative group, a wmma fragment). */
  | { readonly t: "g"; readonly ty: CType }
  | { readonly t: "o"; readonly reason: string; readonly ty: CType };

/** A place that can be read or written. */
export type Place =
  | { readonly k: "mem"; readonly binding: string; readonly space: MemSpace; readonly addr: VExpr; readonly ty: CType }
  /** A local variable or a part of one: a vector component, a struct field, an array element (`indices`). */
  | { readonly k: "local"; readonly slot: Slot; readonly path: readonly (string | number)[]; readonly ty: CType; readonly indices: readonly VExpr[] }
  | { readonly k: "none"; readonly ty: CType; readonly reason: string };

/** A declared name: a local, a parameter, a constant, a shared or global array. */
export interface Slot {
  readonly name: string;
  readonly id: number;
  readonly ty: CType;
  /** Where the name lives when it is memory or a reference rather than a value of its own. */
  readonly place?: Place;
  /** A function-scope array: its unique name in `local` IR nodes. */
  readonly arrayName?: string;
  /** A function-pointer template parameter bound to a function of the file: calls go to it. */
  readonly fnAlias?: string;
  /** A constant whose value is computed when first read (file-scope constexpr). */
  lazy?: () => Val;
}
