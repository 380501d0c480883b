// Test helper: counts the shared-memory loads of each kernel in a cubin by width, from the SASS words themselves
// (no disassembler is installed here). On sm_80/sm_86, an instruction is 16 bytes; bits 0-11 of its first word are
// the opcode (LDS is 0x984) and bits 73-75 the access size (4: 32-bit, 5: 64-bit, 6: 128-bit). Those fields were
// identified on the sgemm fixtures, whose LDS counts match PTX's ld.shared counts (kernel 3: 32 scalar and 8 wide,
// kernel 4: 8 and 16, kernels 5 and 6: 32 wide each), so a test can tell when ptxas merged loads.
const LDS = 0x984;

function cString(bytes: Uint8Array, at: number): string {
  let end = at;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return Buffer.from(bytes.subarray(at, end)).toString("latin1");
}

/** Per kernel section (`.text.<mangled name>`): shared loads by width in bits. */
export function sharedLoadsByWidth(cubin: Uint8Array): Map<string, Map<number, number>> {
  const view = new DataView(cubin.buffer, cubin.byteOffset, cubin.byteLength);
  const shoff = Number(view.getBigUint64(0x28, true));
  const shentsize = view.getUint16(0x3a, true);
  const shnum = view.getUint16(0x3c, true);
  const shstrndx = view.getUint16(0x3e, true);
  const header = (i: number) => {
    const at = shoff + i * shentsize;
    return { name: view.getUint32(at, true), offset: Number(view.getBigUint64(at + 0x18, true)), size: Number(view.getBigUint64(at + 0x20, true)) };
  };
  const names = header(shstrndx).offset;
  const out = new Map<string, Map<number, number>>();
  for (let i = 0; i < shnum; i++) {
    const h = header(i);
    const name = cString(cubin, names + h.name);
    if (!name.startsWith(".text.")) continue;
    const widths = new Map<number, number>();
    for (let at = h.offset; at + 16 <= h.offset + h.size; at += 16) {
      const lo = view.getBigUint64(at, true);
      const hi = view.getBigUint64(at + 8, true);
      if (Number(lo & 0xfffn) !== LDS) continue;
      const size = Number((hi >> 9n) & 7n);
      const bits = size === 4 ? 32 : size === 5 ? 64 : size === 6 ? 128 : 0;
      widths.set(bits, (widths.get(bits) ?? 0) + 1);
    }
    out.set(name.slice(".text.".length), widths);
  }
  return out;
}
