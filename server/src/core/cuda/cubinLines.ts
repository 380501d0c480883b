// SASS instructions per source line, read from a cubin's own line table: no nvdisasm needed.
//
// What nvcc 13 writes for `-cubin -lineinfo` (measured on sm_75 … sm_120): a relocatable ELF64 (little-endian, machine
// EM_CUDA = 190, ELF ABI version 8 with the SM number in bits 8-15 of e_flags). Each function's machine code is a
// section `.text.<mangled name>` and a FUNC symbol of that name (st_other bit 0x10 marks an entry, i.e. a kernel).
// Every instruction is 16 bytes on sm_70 and newer. `.debug_line` holds one DWARF line program (version 2) with one
// sequence per function: its `DW_LNE_set_address` operand is 0 plus a relocation (in `.rel.debug_line`) against the
// function's symbol, which is how a sequence is tied to its `.text` section. (`.nv_debug_line_sass` maps SASS to PTX
// lines of `.nv_debug_ptx_txt`; the source lines we want are all in `.debug_line`.)
//
// Inlining: nvcc 13 inlines every `__device__` function (the user's and the CUDA headers' `__shfl_down_sync`,
// `atomicAdd`, `__hadd2` …) and records where with a vendor extended opcode, 0x90, in the line program. Its two ULEB
// operands are (1) the 1-based index, in the line program, of the row the code was inlined at (0 = not inlined), and
// (2) the offset of the inlined function's mangled name in `.debug_str`. The rows of an inlined body follow the row of
// the call at the same address. So a row's call chain is the row, the row it was inlined at, that row's, and so on.
// Folding: an instruction counts for the innermost frame of its chain that lies in the main file. Header code
// (`__shfl_down_sync` at sm_30_intrinsics.hpp:440) lands on the main-file line that called it, and a `__device__`
// function written in the main file keeps its own body's lines, as nvdisasm -g and Nsight Compute show them. An
// instruction whose chain never reaches the main file (a kernel written in a header) is counted in `unattributed`.
// A function nvcc does not inline (`__noinline__`) is placed inside the calling kernel's section in a whole-program
// compile (a local FUNC symbol `$kernel$callee`), so its instructions count for the kernel, on the callee's lines.
//
// Pure: no I/O. Nothing here throws on any bytes: a malformed cubin is `{ error }`.

export interface SassLineCount {
  /** 1-based, in the main file. */
  readonly line: number;
  /** SASS instructions the line table gives this line (after folding inlined code onto it). Exact. */
  readonly instructions: number;
}

export interface SassKernelLines {
  /** The kernel's mangled name (its `.text.` section's suffix). */
  readonly mangled: string;
  /** All SASS instructions of the kernel: its `.text` section's size / 16 (the trailing NOP padding included). */
  readonly instructions: number;
  /** Per main-file line, ascending; only lines with at least one instruction. */
  readonly lines: readonly SassLineCount[];
  /** Instructions the line table leaves out, puts on line 0 (no line), or puts in other files only (a kernel in a header). */
  readonly unattributed: number;
}

export interface SassLineTable {
  readonly kernels: readonly SassKernelLines[];
  /** The SM number the cubin is for (80 for sm_80), from the ELF header; `null` when the header does not say. */
  readonly sm: number | null;
  /** The main file as the line table names it (directory joined with the name), `null` when none was chosen. */
  readonly mainFile: string | null;
}

export type SassLinesResult = SassLineTable | { readonly error: string };

/** Bytes per SASS instruction on every architecture nvcc 13 targets (sm_75 and newer; true since sm_70). */
export const SASS_INSTRUCTION_BYTES = 16;

const EM_CUDA = 190;
const SHT_SYMTAB = 2;
const SHT_RELA = 4;
const SHT_REL = 9;
const STO_CUDA_ENTRY = 0x10;
/** NVIDIA's extended line opcode: (inlined-at row, inlined function's name offset). */
const DW_LNE_NV_INLINED_AT = 0x90;
/** Bounds on what the parser builds, far above any real cubin, so hostile bytes cannot exhaust memory. */
const MAX_SECTIONS = 1 << 16;
const MAX_SYMBOLS = 1 << 20;
const MAX_ROWS = 1 << 22;

export class Malformed extends Error {}

/** Bounds-checked little-endian reads over the cubin; any read past the end is `Malformed`. */
export class Bytes {
  constructor(readonly b: Uint8Array) {}
  get length(): number {
    return this.b.length;
  }
  private check(at: number, n: number): void {
    if (!Number.isSafeInteger(at) || at < 0 || at + n > this.b.length) throw new Malformed(`read of ${n} bytes at ${at} is outside the ${this.b.length}-byte file`);
  }
  u8(at: number): number {
    this.check(at, 1);
    return this.b[at]!;
  }
  u16(at: number): number {
    this.check(at, 2);
    return this.b[at]! | (this.b[at + 1]! << 8);
  }
  u32(at: number): number {
    this.check(at, 4);
    return (this.b[at]! | (this.b[at + 1]! << 8) | (this.b[at + 2]! << 16)) + this.b[at + 3]! * 0x1000000;
  }
  /** A 64-bit value as a number; values above 2^53 are `Malformed` (no real cubin has them). */
  u64(at: number): number {
    const lo = this.u32(at);
    const hi = this.u32(at + 4);
    if (hi >= 0x200000) throw new Malformed(`a 64-bit field at ${at} is too large`);
    return hi * 0x100000000 + lo;
  }
  /** Unsigned value of `size` bytes (1, 2, 4 or 8). */
  uN(at: number, size: number): number {
    if (size === 1) return this.u8(at);
    if (size === 2) return this.u16(at);
    if (size === 4) return this.u32(at);
    if (size === 8) return this.u64(at);
    throw new Malformed(`unsupported field size ${size}`);
  }
  /** A NUL-terminated string starting at `at`, not past `end`. */
  cstr(at: number, end = this.b.length): string {
    this.check(at, 1);
    let i = at;
    const stop = Math.min(end, this.b.length);
    while (i < stop && this.b[i] !== 0) i++;
    if (i >= stop) throw new Malformed(`unterminated string at ${at}`);
    return latin1(this.b.subarray(at, i));
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Names are UTF-8 in practice; bytes that are not valid UTF-8 are kept one character per byte. */
function latin1(b: Uint8Array): string {
  try {
    return utf8.decode(b);
  } catch {
    let s = "";
    for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, Math.min(b.length, i + 4096)));
    return s;
  }
}

/** A reading position; ULEB/SLEB decoders as DWARF defines them, bounded to 53 bits. */
class Cursor {
  constructor(
    readonly bytes: Bytes,
    public at: number,
    readonly end: number,
  ) {}
  get done(): boolean {
    return this.at >= this.end;
  }
  private need(n: number): void {
    if (this.at + n > this.end) throw new Malformed(`read past the end of a section at ${this.at}`);
  }
  u8(): number {
    this.need(1);
    return this.bytes.u8(this.at++);
  }
  u16(): number {
    this.need(2);
    const v = this.bytes.u16(this.at);
    this.at += 2;
    return v;
  }
  uN(size: number): number {
    this.need(size);
    const v = this.bytes.uN(this.at, size);
    this.at += size;
    return v;
  }
  skip(n: number): void {
    this.need(n);
    this.at += n;
  }
  uleb(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = this.u8();
      if (scale < 2 ** 53) result += (byte & 0x7f) * scale;
      else if ((byte & 0x7f) !== 0) throw new Malformed("a ULEB128 value is too large");
      if ((byte & 0x80) === 0) break;
      scale *= 128;
      if (scale > 2 ** 70) throw new Malformed("a ULEB128 value is too long");
    }
    if (!Number.isSafeInteger(result)) throw new Malformed("a ULEB128 value is too large");
    return result;
  }
  sleb(): number {
    let result = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = this.u8();
      if (scale < 2 ** 53) result += (byte & 0x7f) * scale;
      scale *= 128;
      if (scale > 2 ** 70) throw new Malformed("an SLEB128 value is too long");
    } while (byte & 0x80);
    if (byte & 0x40 && scale <= 2 ** 53) result -= scale;
    if (!Number.isSafeInteger(result)) throw new Malformed("an SLEB128 value is too large");
    return result;
  }
  cstr(): string {
    const s = this.bytes.cstr(this.at, this.end);
    // cstr stops at the NUL; step over the string and the NUL by finding the NUL again.
    let i = this.at;
    while (this.bytes.b[i] !== 0) i++;
    this.at = i + 1;
    return s;
  }
}

// ---- ELF (also read by cubinResources.ts) ------------------------------------------------------------------------------

export interface Section {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly entsize: number;
}

export interface ElfSymbol {
  readonly name: string;
  readonly other: number;
  readonly shndx: number;
  readonly value: number;
}

export interface Elf {
  readonly bytes: Bytes;
  readonly sm: number | null;
  readonly sections: readonly Section[];
  readonly symbols: readonly ElfSymbol[];
}

export function readElf(bytes: Bytes): Elf {
  if (bytes.length < 64 || bytes.u32(0) !== 0x464c457f) throw new Malformed("not an ELF file");
  if (bytes.u8(4) !== 2) throw new Malformed("not a 64-bit ELF file (cubins are ELF64)");
  if (bytes.u8(5) !== 1) throw new Malformed("not a little-endian ELF file");
  const machine = bytes.u16(18);
  if (machine !== EM_CUDA) throw new Malformed(`not a CUDA cubin (ELF machine ${machine}, expected ${EM_CUDA})`);
  const abiVersion = bytes.u8(8);
  const flags = bytes.u32(48);
  // ELF ABI version 8 (CUDA 12.8 and newer) moved the SM number from bits 0-7 to bits 8-15 of e_flags.
  const sm = (abiVersion >= 8 ? (flags >>> 8) & 0xff : flags & 0xff) || null;
  const shoff = bytes.u64(40);
  const shentsize = bytes.u16(58);
  let shnum = bytes.u16(60);
  let shstrndx = bytes.u16(62);
  if (shoff === 0) throw new Malformed("the ELF file has no section headers");
  if (shentsize < 64) throw new Malformed(`section header entries of ${shentsize} bytes (expected 64)`);
  // Extended numbering: counts that do not fit 16 bits live in section 0.
  if (shnum === 0) shnum = bytes.u64(shoff + 32);
  if (shstrndx === 0xffff) shstrndx = bytes.u32(shoff + 44);
  if (shnum > MAX_SECTIONS || shoff + shnum * shentsize > bytes.length) throw new Malformed("the section header table is outside the file");
  const raw: Omit<Section, "name">[] = [];
  const nameOffsets: number[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    nameOffsets.push(bytes.u32(at));
    raw.push({
      index: i,
      type: bytes.u32(at + 4),
      addr: bytes.u64(at + 16),
      offset: bytes.u64(at + 24),
      size: bytes.u64(at + 32),
      link: bytes.u32(at + 40),
      info: bytes.u32(at + 44),
      entsize: bytes.u64(at + 56),
    });
  }
  const strtab = raw[shstrndx];
  if (!strtab) throw new Malformed("the section name table is missing");
  const sections = raw.map((s, i) => {
    let name = "";
    try {
      name = nameOffsets[i]! < strtab.size ? bytes.cstr(strtab.offset + nameOffsets[i]!, strtab.offset + strtab.size) : "";
    } catch {
      name = "";
    }
    return { ...s, name };
  });
  return { bytes, sm, sections, symbols: readSymbols(bytes, sections) };
}

/** Section contents, checked to lie inside the file (NOBITS sections have none). */
export function contents(elf: Elf, s: Section): { readonly start: number; readonly end: number } {
  if (s.offset + s.size > elf.bytes.length) throw new Malformed(`section ${s.name || s.index} lies outside the file`);
  return { start: s.offset, end: s.offset + s.size };
}

function readSymbols(bytes: Bytes, sections: readonly Section[]): ElfSymbol[] {
  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  if (!symtab) return [];
  const strtab = sections[symtab.link];
  if (!strtab || symtab.offset + symtab.size > bytes.length || strtab.offset + strtab.size > bytes.length) throw new Malformed("the symbol table lies outside the file");
  const entsize = symtab.entsize >= 24 ? symtab.entsize : 24;
  const count = Math.floor(symtab.size / entsize);
  if (count > MAX_SYMBOLS) throw new Malformed("too many symbols");
  const out: ElfSymbol[] = [];
  for (let i = 0; i < count; i++) {
    const at = symtab.offset + i * entsize;
    const nameOff = bytes.u32(at);
    let name = "";
    if (nameOff < strtab.size) {
      try {
        name = bytes.cstr(strtab.offset + nameOff, strtab.offset + strtab.size);
      } catch {
        name = "";
      }
    }
    out.push({ name, other: bytes.u8(at + 5), shndx: bytes.u16(at + 6), value: bytes.u64(at + 8) });
  }
  return out;
}

/** Relocations against `target` (a section index): offset in that section → the symbol's section and value. */
function relocationsFor(elf: Elf, target: number): Map<number, { readonly section: number; readonly value: number }> {
  const out = new Map<number, { section: number; value: number }>();
  for (const s of elf.sections) {
    if ((s.type !== SHT_REL && s.type !== SHT_RELA) || s.info !== target) continue;
    const { start, end } = contents(elf, s);
    const entsize = s.type === SHT_RELA ? 24 : 16;
    for (let at = start; at + entsize <= end; at += entsize) {
      const offset = elf.bytes.u64(at);
      const symIndex = elf.bytes.u32(at + 12);
      const addend = s.type === SHT_RELA ? elf.bytes.u64(at + 16) : 0;
      const sym = elf.symbols[symIndex];
      if (sym) out.set(offset, { section: sym.shndx, value: sym.value + addend });
    }
  }
  return out;
}

// ---- DWARF line program ------------------------------------------------------------------------------------------------

interface LineRow {
  readonly address: number;
  /** Index into `files`; -1 when the program named a file it does not have. */
  readonly file: number;
  readonly line: number;
  /** Index in `rows` of the row this one was inlined at; -1 when not inlined. */
  readonly inlinedAt: number;
  /** The sequence's section (by relocation or address); -1 when unknown. */
  readonly section: number;
  readonly endSequence: boolean;
}

interface LineProgram {
  readonly files: string[];
  /** All rows of the program, in order, sequences one after another. */
  readonly rows: LineRow[];
}

const DW_FORM_string = 0x08;
const DW_FORM_block = 0x09;
const DW_FORM_data1 = 0x0b;
const DW_FORM_data2 = 0x05;
const DW_FORM_data4 = 0x06;
const DW_FORM_data8 = 0x07;
const DW_FORM_strp = 0x0e;
const DW_FORM_udata = 0x0f;
const DW_FORM_data16 = 0x1e;
const DW_FORM_line_strp = 0x1f;
const DW_FORM_strx = 0x1a;
const DW_FORM_strx1 = 0x25;
const DW_FORM_strx2 = 0x26;
const DW_FORM_strx4 = 0x28;
const DW_LNCT_path = 1;
const DW_LNCT_directory_index = 2;

function joinPath(dir: string, name: string): string {
  if (name.startsWith("/") || /^[A-Za-z]:[\\/]/.test(name) || dir === "") return name;
  return dir.endsWith("/") || dir.endsWith("\\") ? dir + name : `${dir}/${name}`;
}

/** Reads every unit of `.debug_line` and runs its program; rows of all units share one index space per unit. */
function readLinePrograms(elf: Elf): LineProgram[] {
  const section = elf.sections.find((s) => s.name === ".debug_line");
  if (!section) throw new Malformed("the cubin has no .debug_line section: compile with -lineinfo");
  const { start, end } = contents(elf, section);
  const strSection = elf.sections.find((s) => s.name === ".debug_str");
  const lineStrSection = elf.sections.find((s) => s.name === ".debug_line_str");
  const relocs = relocationsFor(elf, section.index);
  const programs: LineProgram[] = [];
  let at = start;
  while (at < end) {
    const c = new Cursor(elf.bytes, at, end);
    let unitLength = c.uN(4);
    let offsetSize = 4;
    if (unitLength === 0xffffffff) {
      unitLength = c.uN(8);
      offsetSize = 8;
    } else if (unitLength >= 0xfffffff0) throw new Malformed(`reserved DWARF unit length ${unitLength}`);
    const unitEnd = c.at + unitLength;
    if (unitLength === 0 || unitEnd > end) throw new Malformed(`a line program's length (${unitLength}) runs past .debug_line`);
    programs.push(runProgram(elf, new Cursor(elf.bytes, c.at, unitEnd), offsetSize, start, relocs, strSection, lineStrSection));
    at = unitEnd;
  }
  return programs;
}

function readString(elf: Elf, section: Section | undefined, offset: number): string {
  if (!section) throw new Malformed("a string refers to a missing string section");
  const { start, end } = contents(elf, section);
  if (offset >= end - start) throw new Malformed("a string offset lies outside its section");
  return elf.bytes.cstr(start + offset, end);
}

interface FileEntryFormat {
  readonly type: number;
  readonly form: number;
}

/** One value of a DWARF 5 entry format: a string or a number; forms nobody uses for paths are skipped. */
function readForm(elf: Elf, c: Cursor, form: number, offsetSize: number, str?: Section, lineStr?: Section): string | number | null {
  switch (form) {
    case DW_FORM_string:
      return c.cstr();
    case DW_FORM_strp:
      return readString(elf, str, c.uN(offsetSize));
    case DW_FORM_line_strp:
      return readString(elf, lineStr, c.uN(offsetSize));
    case DW_FORM_udata:
      return c.uleb();
    case DW_FORM_data1:
      return c.uN(1);
    case DW_FORM_data2:
      return c.uN(2);
    case DW_FORM_data4:
      return c.uN(4);
    case DW_FORM_data8:
      return c.uN(8);
    case DW_FORM_data16:
      c.skip(16);
      return null;
    case DW_FORM_block:
      c.skip(c.uleb());
      return null;
    case DW_FORM_strx:
      c.uleb();
      return null;
    case DW_FORM_strx1:
      c.skip(1);
      return null;
    case DW_FORM_strx2:
      c.skip(2);
      return null;
    case DW_FORM_strx4:
      c.skip(4);
      return null;
    default:
      throw new Malformed(`unsupported DWARF form 0x${form.toString(16)} in a file table`);
  }
}

function readEntries(elf: Elf, c: Cursor, offsetSize: number, str?: Section, lineStr?: Section): { path: string; dir: number }[] {
  const formatCount = c.u8();
  const formats: FileEntryFormat[] = [];
  for (let i = 0; i < formatCount; i++) formats.push({ type: c.uleb(), form: c.uleb() });
  const count = c.uleb();
  if (count > c.end - c.at) throw new Malformed("a file table claims more entries than it has bytes");
  const out: { path: string; dir: number }[] = [];
  for (let i = 0; i < count; i++) {
    let path = "";
    let dir = 0;
    for (const f of formats) {
      const v = readForm(elf, c, f.form, offsetSize, str, lineStr);
      if (f.type === DW_LNCT_path && typeof v === "string") path = v;
      if (f.type === DW_LNCT_directory_index && typeof v === "number") dir = v;
    }
    out.push({ path, dir });
  }
  return out;
}

function runProgram(
  elf: Elf,
  c: Cursor,
  offsetSize: number,
  sectionStart: number,
  relocs: Map<number, { section: number; value: number }>,
  str: Section | undefined,
  lineStr: Section | undefined,
): LineProgram {
  const version = c.u16();
  if (version < 2 || version > 5) throw new Malformed(`DWARF line table version ${version} is not supported (2 to 5 are)`);
  let addressSize = 8;
  if (version >= 5) {
    addressSize = c.u8();
    c.u8(); // segment selector size
  }
  const headerLength = c.uN(offsetSize);
  const programStart = c.at + headerLength;
  if (programStart > c.end) throw new Malformed("the line program's header runs past its unit");
  const minInstLength = c.u8();
  if (version >= 4) c.u8(); // maximum operations per instruction (VLIW only; 1 here)
  c.u8(); // default is_stmt
  const lineBase = (c.u8() << 24) >> 24;
  const lineRange = c.u8();
  const opcodeBase = c.u8();
  if (lineRange === 0) throw new Malformed("the line program's line range is 0");
  if (opcodeBase === 0) throw new Malformed("the line program's opcode base is 0");
  const argCounts: number[] = [0];
  for (let i = 1; i < opcodeBase; i++) argCounts.push(c.u8());

  const files: string[] = [];
  if (version >= 5) {
    const dirs = readEntries(elf, c, offsetSize, str, lineStr).map((d) => d.path);
    for (const f of readEntries(elf, c, offsetSize, str, lineStr)) files.push(joinPath(dirs[f.dir] ?? "", f.path));
  } else {
    // Directory 0 is the compilation directory, which version 2-4 tables do not list.
    const dirs = [""];
    for (;;) {
      const d = c.cstr();
      if (d === "") break;
      dirs.push(d);
    }
    files.push(""); // file numbers start at 1
    for (;;) {
      const name = c.cstr();
      if (name === "") break;
      const dir = c.uleb();
      c.uleb(); // modification time
      c.uleb(); // length
      files.push(joinPath(dirs[dir] ?? "", name));
    }
  }

  const rows: LineRow[] = [];
  const p = new Cursor(elf.bytes, programStart, c.end);
  let address = 0;
  let file = 1;
  let line = 1;
  let inlinedAt = 0;
  let section = -1;
  let sequenceStart = 0;
  const reset = (): void => {
    address = 0;
    file = version >= 5 ? 0 : 1;
    line = 1;
    inlinedAt = 0;
    section = -1;
  };
  reset();
  const emit = (endSequence: boolean): void => {
    if (rows.length >= MAX_ROWS) throw new Malformed("the line table has too many rows");
    // The vendor opcode counts rows from 1 within the sequence.
    const at = inlinedAt > 0 ? sequenceStart + inlinedAt - 1 : -1;
    rows.push({ address, file: file >= 0 && file < files.length ? file : -1, line, inlinedAt: at < rows.length ? at : -1, section, endSequence });
  };
  const advance = (operationAdvance: number): void => {
    address += operationAdvance * minInstLength;
    if (!Number.isSafeInteger(address)) throw new Malformed("a line table address overflows");
  };
  while (!p.done) {
    const op = p.u8();
    if (op >= opcodeBase) {
      const adjusted = op - opcodeBase;
      advance(Math.floor(adjusted / lineRange));
      line += lineBase + (adjusted % lineRange);
      emit(false);
      continue;
    }
    switch (op) {
      case 0: {
        const len = p.uleb();
        if (len === 0) break;
        const bodyEnd = p.at + len;
        if (bodyEnd > p.end) throw new Malformed("an extended line opcode runs past its unit");
        const sub = p.u8();
        if (sub === 1) {
          emit(true);
          reset();
          sequenceStart = rows.length;
        } else if (sub === 2) {
          const operandAt = p.at;
          const size = len - 1;
          const value = size === addressSize || size === 8 || size === 4 ? p.uN(size) : 0;
          const reloc = relocs.get(operandAt - sectionStart);
          if (reloc) {
            address = value + reloc.value;
            section = reloc.section;
          } else {
            address = value;
            section = -1;
          }
        } else if (sub === 3 && version < 5) {
          const name = p.cstr();
          p.uleb();
          p.uleb();
          p.uleb();
          files.push(name);
        } else if (sub === DW_LNE_NV_INLINED_AT) {
          inlinedAt = p.uleb();
          p.uleb(); // the inlined function's name in .debug_str
        }
        p.at = bodyEnd;
        break;
      }
      case 1: // copy
        emit(false);
        break;
      case 2:
        advance(p.uleb());
        break;
      case 3:
        line += p.sleb();
        break;
      case 4:
        file = p.uleb(); // version 5 numbers files from 0, older ones from 1 (entry 0 above is a blank)
        break;
      case 8: // const_add_pc
        advance(Math.floor((255 - opcodeBase) / lineRange));
        break;
      case 9: // fixed_advance_pc: a raw address delta
        address += p.u16();
        break;
      default:
        // set_column, negate_stmt, basic_block, prologue_end, epilogue_begin, set_isa and unknown ones: skip operands.
        for (let i = 0; i < (argCounts[op] ?? 0); i++) p.uleb();
    }
  }
  return { files, rows };
}

// ---- Attribution -------------------------------------------------------------------------------------------------------

/** `/a/./b//c.cu` and `C:\a\b.cu` compared as the same kind of path. */
function normalisePath(path: string): string {
  const parts: string[] = [];
  const slashed = path.replace(/\\/g, "/");
  for (const part of slashed.split("/")) {
    if (part === "." || (part === "" && parts.length > 0)) continue;
    if (part === ".." && parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

function baseName(path: string): string {
  const n = normalisePath(path);
  return n.slice(n.lastIndexOf("/") + 1);
}

/** File indices that are the main file: by full path, else by file name when no full path matches. */
function mainFileIndices(files: readonly string[], mainFile: string): Set<number> {
  const wanted = normalisePath(mainFile);
  const exact = new Set<number>();
  files.forEach((f, i) => {
    if (f !== "" && normalisePath(f) === wanted) exact.add(i);
  });
  if (exact.size > 0) return exact;
  const byName = new Set<number>();
  const name = baseName(mainFile);
  files.forEach((f, i) => {
    if (f !== "" && baseName(f) === name) byName.add(i);
  });
  return byName;
}

/** The text sections' functions: a symbol marked as an entry names a kernel; all others are device functions. */
function kernelSections(elf: Elf): Section[] {
  const entries = new Set<number>();
  let anyMarked = false;
  for (const sym of elf.symbols) {
    if ((sym.other & STO_CUDA_ENTRY) !== 0) {
      anyMarked = true;
      entries.add(sym.shndx);
    }
  }
  return elf.sections.filter((s) => s.name.startsWith(".text.") && s.name.length > 6 && (!anyMarked || entries.has(s.index)));
}

/**
 * SASS instructions per source line of every kernel in a `-lineinfo` cubin. `mainFile`: the compiled source's path as
 * nvcc saw it (a `#line` name counts), to tell its lines from headers'; `null` takes each kernel's first row's
 * outermost file. Never throws: malformed bytes are `{ error }`.
 */
export function sassLinesOfCubin(cubin: Uint8Array, mainFile: string | null): SassLinesResult {
  try {
    if (!(cubin instanceof Uint8Array)) return { error: "the cubin is not a byte array" };
    return sassLines(new Bytes(cubin), mainFile);
  } catch (err) {
    if (err instanceof Malformed) return { error: `malformed cubin: ${err.message}` };
    return { error: `malformed cubin: ${(err as Error)?.message ?? String(err)}` };
  }
}

function sassLines(bytes: Bytes, mainFile: string | null): SassLineTable {
  const elf = readElf(bytes);
  if (elf.sm !== null && elf.sm < 70) throw new Malformed(`sm_${elf.sm} code does not use 16-byte instructions; only sm_70 and newer are read`);
  const programs = readLinePrograms(elf);
  const kernels = kernelSections(elf);
  const bySection = new Map(kernels.map((s) => [s.index, s]));
  // Sections by address, for linked cubins whose set_address carries the address instead of a relocation.
  const placed = kernels.filter((s) => s.size > 0);

  const counts = new Map<number, Map<number, number>>(); // section → line → instructions
  const covered = new Map<number, number>(); // section → instructions attributed
  let chosenMain: string | null = null;

  for (const program of programs) {
    const { rows, files } = program;
    const fixedMain = mainFile !== null ? mainFileIndices(files, mainFile) : null;
    if (fixedMain && fixedMain.size > 0 && chosenMain === null) chosenMain = files[[...fixedMain][0]!]!;
    let seqMain: Set<number> | null = null;
    // Per row, the main-file line of the innermost frame of its call chain that is in the main file (0: none). An
    // inlined-at row always comes earlier, so one pass in order fills it: linear however deep the inlining.
    const frameLine = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (row.endSequence) {
        seqMain = null;
        continue;
      }
      if (fixedMain === null && seqMain === null) {
        // No main file given: the sequence's first row (never inlined: nothing comes before it) names it.
        seqMain = new Set(row.file >= 0 ? [row.file] : []);
        if (chosenMain === null && row.file >= 0) chosenMain = files[row.file]!;
      }
      const main = fixedMain ?? seqMain!;
      frameLine[i] = row.file >= 0 && main.has(row.file) ? row.line : row.inlinedAt >= 0 && row.inlinedAt < i ? frameLine[row.inlinedAt]! : 0;
      // The last row at an address describes it (earlier rows at the same address are the call sites of inlined
      // code); the range runs to the next row's address, or to the sequence's end.
      const next = rows[i + 1];
      if (!next || next.address <= row.address) continue;
      let sectionIndex = row.section;
      if (sectionIndex < 0 || !bySection.has(sectionIndex)) {
        const holder = placed.filter((s) => row.address >= s.addr && row.address < s.addr + s.size);
        sectionIndex = holder.length === 1 ? holder[0]!.index : -1;
      }
      const section = bySection.get(sectionIndex);
      if (!section) continue;
      const base = row.section === sectionIndex ? 0 : section.addr;
      const from = Math.max(0, row.address - base);
      const to = Math.min(section.size, next.address - base);
      if (to <= from) continue;
      const n = Math.ceil(to / SASS_INSTRUCTION_BYTES) - Math.ceil(from / SASS_INSTRUCTION_BYTES);
      if (n <= 0) continue;
      const line = frameLine[i]!;
      if (line <= 0) continue;
      let perLine = counts.get(section.index);
      if (!perLine) counts.set(section.index, (perLine = new Map()));
      perLine.set(line, (perLine.get(line) ?? 0) + n);
      covered.set(section.index, (covered.get(section.index) ?? 0) + n);
    }
  }

  return {
    sm: elf.sm,
    mainFile: chosenMain,
    kernels: kernels.map((s) => {
      const instructions = Math.ceil(s.size / SASS_INSTRUCTION_BYTES);
      const perLine = counts.get(s.index) ?? new Map<number, number>();
      const lines = [...perLine.entries()].sort((a, b) => a[0] - b[0]).map(([line, n]) => ({ line, instructions: n }));
      return { mangled: s.name.slice(".text.".length), instructions, lines, unattributed: Math.max(0, instructions - (covered.get(s.index) ?? 0)) };
    }),
  };
}

/** One row of a cubin's line table with its file named, for checks and debugging views. */
export interface CubinLineRow {
  readonly address: number;
  readonly file: string | null;
  readonly line: number;
  /** Index in the returned rows of the row this one was inlined at; -1 when not inlined. */
  readonly inlinedAt: number;
  /** The `.text.` section's function name the row's sequence belongs to; `null` when unknown. */
  readonly function: string | null;
  readonly endSequence: boolean;
}

/** The raw rows of every line program in the cubin (no folding), or `{ error }`. */
export function cubinLineRows(cubin: Uint8Array): readonly CubinLineRow[] | { readonly error: string } {
  try {
    const elf = readElf(new Bytes(cubin));
    const out: CubinLineRow[] = [];
    for (const program of readLinePrograms(elf)) {
      const base = out.length;
      for (const r of program.rows) {
        const section = elf.sections[r.section];
        out.push({
          address: r.address,
          file: r.file >= 0 ? (program.files[r.file] ?? null) : null,
          line: r.line,
          inlinedAt: r.inlinedAt >= 0 ? base + r.inlinedAt : -1,
          function: section && section.name.startsWith(".text.") ? section.name.slice(6) : null,
          endSequence: r.endSequence,
        });
      }
    }
    return out;
  } catch (err) {
    return { error: `malformed cubin: ${(err as Error)?.message ?? String(err)}` };
  }
}
