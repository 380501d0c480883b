// Which operating system and processor architectures a native library was built for, read from its header (ELF,
// Mach-O thin or universal, PE), in Node's names (linux/darwin/win32, x64/arm64), so a test can check that a package
// carries the addon its platform loads.

export interface NativeBinary {
  readonly os: "linux" | "darwin" | "win32";
  readonly archs: readonly string[];
}

const ELF_MACHINES: Record<number, string> = { 0x3e: "x64", 0xb7: "arm64" };
const MACHO_CPUS: Record<number, string> = { 0x01000007: "x64", 0x0100000c: "arm64" };
const PE_MACHINES: Record<number, string> = { 0x8664: "x64", 0xaa64: "arm64" };

function named(table: Record<number, string>, code: number): string {
  return table[code] ?? `unknown(0x${code.toString(16)})`;
}

/** The binary's platform, or undefined when the header is none of the three formats. */
export function nativeBinary(bytes: Buffer): NativeBinary | undefined {
  if (bytes.length < 64) return undefined;
  if (bytes.readUInt32BE(0) === 0x7f454c46) {
    // e_machine sits after the 16-byte identification and e_type; EI_DATA (byte 5) says its byte order.
    const machine = bytes[5] === 2 ? bytes.readUInt16BE(18) : bytes.readUInt16LE(18);
    return { os: "linux", archs: [named(ELF_MACHINES, machine)] };
  }
  if (bytes.readUInt32BE(0) === 0xcafebabe) {
    // A universal (fat) Mach-O: a big-endian count of architectures, then 20 bytes per architecture.
    const count = bytes.readUInt32BE(4);
    const archs: string[] = [];
    for (let i = 0; i < count && 8 + 20 * i + 4 <= bytes.length; i++) archs.push(named(MACHO_CPUS, bytes.readUInt32BE(8 + 20 * i)));
    return { os: "darwin", archs };
  }
  if (bytes.readUInt32LE(0) === 0xfeedfacf) return { os: "darwin", archs: [named(MACHO_CPUS, bytes.readUInt32LE(4))] };
  if (bytes.toString("latin1", 0, 2) === "MZ") {
    const pe = bytes.readUInt32LE(0x3c);
    if (pe + 6 > bytes.length || bytes.readUInt32BE(pe) !== 0x50450000) return undefined;
    return { os: "win32", archs: [named(PE_MACHINES, bytes.readUInt16LE(pe + 4))] };
  }
  return undefined;
}
