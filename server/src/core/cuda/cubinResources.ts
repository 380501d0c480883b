// Registers and per-thread local memory of each kernel, read from a cubin's own attribute tables: what the CUDA driver
// reports when it loads the binary (cuFuncGetAttribute NUM_REGS, LOCAL_SIZE_BYTES), with no GPU and no driver.
// Triton's exact path needs this: `triton.compile` without a GPU returns the cubin but not `n_regs`/`n_spills`,
// which the driver fills in at load time.
//
// What nvcc 13 / ptxas write (measured here with `nvcc -arch=sm_90 -cubin`, compared with ptxas -v): the ELF section
// `.nv.info` holds the per-function attributes as a list of entries `u8 format, u8 attribute, value`, the value's
// shape given by the format (1: none, 2: one byte, 3: a u16, each in the two bytes after the header; 4: a u16 size
// then that many bytes). The attributes read here are all of format 4 with 8 bytes: a u32 symbol index (into
// `.symtab`, naming the function) and a u32 value.
//   EIATTR_REGCOUNT (0x2f): registers per thread, ptxas -v's "Used N registers".
//   EIATTR_FRAME_SIZE (0x11): the stack frame in bytes (ptxas -v's "N bytes stack frame"): the local memory each
//     thread uses, spilled registers included; nonzero on a kernel with no local arrays means spills.
//   EIATTR_MIN_STACK_SIZE (0x12): the stack size, bytes.
// Each kernel's own section `.nv.info.<name>` holds launch attributes (parameters, EIATTR_MAXREG_COUNT 0x1b: the
// register limit ptxas worked under); an attribute of the list above found there is read the same way.
//
// Pure: no I/O. Never throws: malformed bytes are `{ error }`.
import { Bytes, contents, type Elf, Malformed, readElf } from "./cubinLines";

export interface CubinKernelResources {
  /** The kernel's name as the cubin has it (mangled for C++, plain for `extern "C"` and Triton kernels). */
  readonly name: string;
  /** Registers per thread (EIATTR_REGCOUNT); `null` when the cubin does not say. */
  readonly registers: number | null;
  /** Local memory per thread, bytes (EIATTR_FRAME_SIZE: the stack frame, spills included); `null` when not said. */
  readonly frameBytes: number | null;
  /** The stack size, bytes (EIATTR_MIN_STACK_SIZE); `null` when not said. */
  readonly stackBytes: number | null;
  /** The register limit ptxas compiled under (EIATTR_MAXREG_COUNT: 255 by default); `null` when not said. */
  readonly maxRegisters: number | null;
}

export interface CubinResources {
  /** The SM number the cubin is for (90 for sm_90 and sm_90a), from the ELF header; `null` when it does not say. */
  readonly sm: number | null;
  /** Every kernel (entry function) the cubin holds, in the order of its symbol table. */
  readonly kernels: readonly CubinKernelResources[];
}

const EIFMT_NVAL = 1;
const EIFMT_BVAL = 2;
const EIFMT_HVAL = 3;
const EIFMT_SVAL = 4;
const EIATTR_FRAME_SIZE = 0x11;
const EIATTR_MIN_STACK_SIZE = 0x12;
const EIATTR_MAXREG_COUNT = 0x1b;
const EIATTR_REGCOUNT = 0x2f;
const STO_CUDA_ENTRY = 0x10;

interface Attribute {
  readonly attribute: number;
  readonly format: number;
  /** Byte offset and length of the value. */
  readonly at: number;
  readonly size: number;
}

/** The entries of one `.nv.info*` section; a truncated entry is `Malformed`. */
function attributes(elf: Elf, start: number, end: number): Attribute[] {
  const b = elf.bytes;
  const out: Attribute[] = [];
  let at = start;
  while (at + 2 <= end) {
    const format = b.u8(at);
    const attribute = b.u8(at + 1);
    at += 2;
    let size: number;
    // Entries are 4-byte units: a value that is not a block fills the two bytes after the header (a byte value is
    // padded, sm_120's 0x4a entries `02 4a 00 00`), so no entry leaves the rest misaligned.
    if (format === EIFMT_NVAL || format === EIFMT_BVAL || format === EIFMT_HVAL) size = 2;
    else if (format === EIFMT_SVAL) {
      if (at + 2 > end) throw new Malformed(`a .nv.info entry at ${at - 2} is cut short`);
      size = b.u16(at);
      at += 2;
    } else throw new Malformed(`unknown .nv.info entry format ${format} at ${at - 2}`);
    if (at + size > end) throw new Malformed(`a .nv.info entry at ${at} runs past its section`);
    out.push({ attribute, format, at, size });
    at += size;
  }
  return out;
}

/** Registers and local memory of every kernel in `cubin`, or why they cannot be read. */
export function cubinResources(cubin: Uint8Array): CubinResources | { readonly error: string } {
  try {
    if (!(cubin instanceof Uint8Array)) return { error: "the cubin is not a byte array" };
    return read(readElf(new Bytes(cubin)));
  } catch (err) {
    return { error: `malformed cubin: ${(err as Error)?.message ?? String(err)}` };
  }
}

function read(elf: Elf): CubinResources {
  const b = elf.bytes;
  // Per symbol index, the attributes that name a function by symbol.
  const bySymbol = new Map<number, { registers?: number; frame?: number; stack?: number }>();
  const maxRegsBySection = new Map<string, number>();
  for (const s of elf.sections) {
    if (s.name !== ".nv.info" && !s.name.startsWith(".nv.info.")) continue;
    const { start, end } = contents(elf, s);
    for (const a of attributes(elf, start, end)) {
      if (a.attribute === EIATTR_MAXREG_COUNT && a.format === EIFMT_HVAL && s.name.startsWith(".nv.info.")) {
        maxRegsBySection.set(s.name.slice(".nv.info.".length), b.u16(a.at));
        continue;
      }
      if (a.format !== EIFMT_SVAL || a.size !== 8) continue;
      const key = a.attribute === EIATTR_REGCOUNT ? "registers" : a.attribute === EIATTR_FRAME_SIZE ? "frame" : a.attribute === EIATTR_MIN_STACK_SIZE ? "stack" : undefined;
      if (!key) continue;
      const symbol = b.u32(a.at);
      const entry = bySymbol.get(symbol) ?? {};
      entry[key] = b.u32(a.at + 4);
      bySymbol.set(symbol, entry);
    }
  }
  const kernels: CubinKernelResources[] = [];
  elf.symbols.forEach((sym, index) => {
    // A kernel: an entry function symbol (st_other 0x10) that names a `.text.` section of its own.
    if ((sym.other & STO_CUDA_ENTRY) === 0 || sym.name === "") return;
    const section = elf.sections[sym.shndx];
    if (!section || section.name !== `.text.${sym.name}`) return;
    const found = bySymbol.get(index);
    kernels.push({
      name: sym.name,
      registers: found?.registers ?? null,
      frameBytes: found?.frame ?? null,
      stackBytes: found?.stack ?? null,
      maxRegisters: maxRegsBySection.get(sym.name) ?? null,
    });
  });
  return { sm: elf.sm, kernels };
}
