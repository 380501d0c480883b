// Compares the project's NVIDIA occupancy (server/src/core/devices/occupancy.ts) with the CUDA Toolkit's own
// calculator, cuda_occupancy.h, compiled with g++ into a small program: no GPU needed, and no number copied by hand.
//
// The oracle gets each compute capability's properties as the CUDA runtime reports them (cudaDeviceProp, from the
// CUDA C++ Programming Guide's table of technical specifications per compute capability), written here independently
// of the project's device database, and each kernel the way cudaFuncGetAttributes/cudaFuncSetAttribute would describe
// it: opted in to the largest dynamic shared memory (cudaFuncAttributeMaxDynamicSharedMemorySize), one block barrier
// (what the runtime's conversion to cudaOccFuncAttributes assumes) unless a case names ptxas's `used N barriers`,
// default carveout preference. Each case must agree
// exactly: active blocks per SM, and the per-resource block limits where the launch can run.
// Skipped, with the reason, where g++ or cuda_occupancy.h is missing.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { findDevice, listDevices } from "../../server/src/core/devices/database";
import { computeOccupancy } from "../../server/src/core/devices/occupancy";
import { mulberry32 } from "../support/random";

const KB = 1024;

/** cudaDeviceProp figures per compute capability (CUDA C++ Programming Guide, technical specifications table). */
interface CcProps {
  readonly major: number;
  readonly minor: number;
  readonly maxThreadsPerSm: number;
  readonly smemPerSm: number;
  readonly smemPerBlockOptin: number;
  /** `reservedSharedMemPerBlock`: 1 KB from compute capability 8.0 on. */
  readonly reserved: number;
}

const CC: Readonly<Record<string, CcProps>> = {
  "7.0": { major: 7, minor: 0, maxThreadsPerSm: 2048, smemPerSm: 96 * KB, smemPerBlockOptin: 96 * KB, reserved: 0 },
  "7.5": { major: 7, minor: 5, maxThreadsPerSm: 1024, smemPerSm: 64 * KB, smemPerBlockOptin: 64 * KB, reserved: 0 },
  "8.0": { major: 8, minor: 0, maxThreadsPerSm: 2048, smemPerSm: 164 * KB, smemPerBlockOptin: 163 * KB, reserved: KB },
  "8.6": { major: 8, minor: 6, maxThreadsPerSm: 1536, smemPerSm: 100 * KB, smemPerBlockOptin: 99 * KB, reserved: KB },
  "8.9": { major: 8, minor: 9, maxThreadsPerSm: 1536, smemPerSm: 100 * KB, smemPerBlockOptin: 99 * KB, reserved: KB },
  "9.0": { major: 9, minor: 0, maxThreadsPerSm: 2048, smemPerSm: 228 * KB, smemPerBlockOptin: 227 * KB, reserved: KB },
  "10.0": { major: 10, minor: 0, maxThreadsPerSm: 2048, smemPerSm: 228 * KB, smemPerBlockOptin: 227 * KB, reserved: KB },
  "12.0": { major: 12, minor: 0, maxThreadsPerSm: 1536, smemPerSm: 100 * KB, smemPerBlockOptin: 99 * KB, reserved: KB },
};

/** One device of the project's database per compute capability. */
const DEVICE_OF: Readonly<Record<string, string>> = {
  "7.0": "nvidia-v100-sxm2-32gb",
  "7.5": "nvidia-t4",
  "8.0": "nvidia-a100-sxm-80gb",
  "8.6": "nvidia-rtx-3090",
  "8.9": "nvidia-rtx-4090",
  "9.0": "nvidia-h100-sxm",
  "10.0": "nvidia-b200",
  "12.0": "nvidia-rtx-5090",
};

interface Case {
  readonly name: string;
  readonly cc: keyof typeof CC & string;
  readonly threads: number;
  readonly registers: number;
  readonly staticSmem: number;
  readonly dynamicSmem: number;
  /** Named barriers per block (ptxas's `used N barriers`); 1 when absent, as the runtime's conversion assumes. */
  readonly barriers?: number;
}

const CASES: readonly Case[] = [
  { name: "A100, 256 threads, 32 registers", cc: "8.0", threads: 256, registers: 32, staticSmem: 0, dynamicSmem: 0 },
  { name: "A100, 256 threads, 64 registers", cc: "8.0", threads: 256, registers: 64, staticSmem: 0, dynamicSmem: 0 },
  { name: "A100, 1024 threads, 16 KB static", cc: "8.0", threads: 1024, registers: 32, staticSmem: 16 * KB, dynamicSmem: 0 },
  { name: "A100, Marlin-style: 256 threads, 130 registers, 96 KB dynamic", cc: "8.0", threads: 256, registers: 130, staticSmem: 0, dynamicSmem: 96 * KB },
  { name: "A100, 64 threads, 200 registers, 2000 B static", cc: "8.0", threads: 64, registers: 200, staticSmem: 2000, dynamicSmem: 0 },
  { name: "A100, 96 threads, 40 registers, 1000 B static + 3000 B dynamic", cc: "8.0", threads: 96, registers: 40, staticSmem: 1000, dynamicSmem: 3000 },
  { name: "A100, 1024 threads, 64 registers: exactly the per-block register file", cc: "8.0", threads: 1024, registers: 64, staticSmem: 0, dynamicSmem: 0 },
  { name: "A100, 1024 threads, 65 registers: cannot launch", cc: "8.0", threads: 1024, registers: 65, staticSmem: 0, dynamicSmem: 0 },
  { name: "A100, 32-thread blocks: the block limit", cc: "8.0", threads: 32, registers: 16, staticSmem: 0, dynamicSmem: 0 },
  { name: "A100, the 163 KB opt-in maximum", cc: "8.0", threads: 256, registers: 32, staticSmem: 0, dynamicSmem: 163 * KB },
  { name: "A100, 164 KB: over the opt-in maximum", cc: "8.0", threads: 256, registers: 32, staticSmem: 0, dynamicSmem: 164 * KB },
  { name: "T4, 256 threads, 32 registers", cc: "7.5", threads: 256, registers: 32, staticSmem: 0, dynamicSmem: 0 },
  { name: "T4, 128 threads, 8 KB static", cc: "7.5", threads: 128, registers: 32, staticSmem: 8 * KB, dynamicSmem: 0 },
  { name: "T4, 1024 threads, 64 registers", cc: "7.5", threads: 1024, registers: 64, staticSmem: 0, dynamicSmem: 0 },
  { name: "T4, 128 threads, 72 registers, 20 KB dynamic", cc: "7.5", threads: 128, registers: 72, staticSmem: 0, dynamicSmem: 20 * KB },
  { name: "V100, 96 threads, 48 registers, 20 KB static", cc: "7.0", threads: 96, registers: 48, staticSmem: 20 * KB, dynamicSmem: 0 },
  { name: "V100, 512 threads, 128 registers", cc: "7.0", threads: 512, registers: 128, staticSmem: 0, dynamicSmem: 0 },
  { name: "RTX 3090, 128 threads, 48 KB static", cc: "8.6", threads: 128, registers: 32, staticSmem: 48 * KB, dynamicSmem: 0 },
  { name: "RTX 3090, 32-thread blocks", cc: "8.6", threads: 32, registers: 16, staticSmem: 0, dynamicSmem: 0 },
  { name: "RTX 3090, Marlin-style: 256 threads, 130 registers, 96 KB dynamic", cc: "8.6", threads: 256, registers: 130, staticSmem: 0, dynamicSmem: 96 * KB },
  { name: "RTX 4090, 640 threads, 40 registers", cc: "8.9", threads: 640, registers: 40, staticSmem: 0, dynamicSmem: 0 },
  { name: "RTX 4090, 256 threads, 96 registers, 12 KB static + 4 KB dynamic", cc: "8.9", threads: 256, registers: 96, staticSmem: 12 * KB, dynamicSmem: 4 * KB },
  { name: "H100, 128 threads, 255 registers", cc: "9.0", threads: 128, registers: 255, staticSmem: 0, dynamicSmem: 0 },
  { name: "H100, 256 threads, 100 KB dynamic", cc: "9.0", threads: 256, registers: 32, staticSmem: 0, dynamicSmem: 100 * KB },
  { name: "H100, Marlin-style: 256 threads, 130 registers, 96 KB dynamic", cc: "9.0", threads: 256, registers: 130, staticSmem: 0, dynamicSmem: 96 * KB },
  { name: "H100, 384 threads, 168 registers, 200 KB dynamic", cc: "9.0", threads: 384, registers: 168, staticSmem: 0, dynamicSmem: 200 * KB },
  { name: "H100, 33 threads (a partial warp), 24 registers, 700 B static", cc: "9.0", threads: 33, registers: 24, staticSmem: 700, dynamicSmem: 0 },
  { name: "B200, 384 threads, 72 registers, 40 KB static", cc: "10.0", threads: 384, registers: 72, staticSmem: 40 * KB, dynamicSmem: 0 },
  { name: "B200, 128 threads, 64 registers, 64 KB dynamic", cc: "10.0", threads: 128, registers: 64, staticSmem: 0, dynamicSmem: 64 * KB },
  { name: "RTX 5090, 256 threads, 48 registers, 32 KB dynamic", cc: "12.0", threads: 256, registers: 48, staticSmem: 0, dynamicSmem: 32 * KB },
  { name: "RTX 5090, 32-thread blocks", cc: "12.0", threads: 32, registers: 32, staticSmem: 0, dynamicSmem: 0 },
  { name: "RTX 5090, 1024 threads, 32 registers", cc: "12.0", threads: 1024, registers: 32, staticSmem: 0, dynamicSmem: 0 },
  // Named barriers from compute capability 9.0 on: 2 per block slot on 9.0 and 10.0, 1 per slot on 12.0.
  { name: "H100, 32-thread blocks, 3 named barriers: 21 blocks, not 32", cc: "9.0", threads: 32, registers: 16, staticSmem: 0, dynamicSmem: 0, barriers: 3 },
  { name: "H100, 64-thread blocks, 16 named barriers", cc: "9.0", threads: 64, registers: 32, staticSmem: 0, dynamicSmem: 0, barriers: 16 },
  { name: "H100, 256 threads, 2 named barriers: barriers do not bind", cc: "9.0", threads: 256, registers: 32, staticSmem: 0, dynamicSmem: 0, barriers: 2 },
  { name: "B200, 32-thread blocks, 4 named barriers", cc: "10.0", threads: 32, registers: 24, staticSmem: 0, dynamicSmem: 0, barriers: 4 },
  { name: "B200, 128 threads, 8 named barriers, 4 KB static", cc: "10.0", threads: 128, registers: 40, staticSmem: 4 * KB, dynamicSmem: 0, barriers: 8 },
  { name: "RTX 5090, 32-thread blocks, 2 named barriers: 12 blocks, not 24", cc: "12.0", threads: 32, registers: 32, staticSmem: 0, dynamicSmem: 0, barriers: 2 },
  { name: "RTX 5090, 64-thread blocks, 5 named barriers", cc: "12.0", threads: 64, registers: 32, staticSmem: 0, dynamicSmem: 0, barriers: 5 },
  { name: "A100, 32-thread blocks, 8 named barriers: no barrier limit before 9.0", cc: "8.0", threads: 32, registers: 16, staticSmem: 0, dynamicSmem: 0, barriers: 8 },
];

/** Seeded random kernels over every compute capability above: any block size, register count, shared memory and barriers. */
function randomCases(count: number): Case[] {
  const rand = mulberry32(2024);
  // A stream of its own for the barrier counts, so the other figures stay the cases they were.
  const randBarriers = mulberry32(16);
  const ccs = Object.keys(CC);
  const out: Case[] = [];
  for (let i = 0; i < count; i++) {
    const cc = ccs[Math.floor(rand() * ccs.length)]!;
    const threads = 1 + Math.floor(rand() * 1024);
    const registers = 1 + Math.floor(rand() * 255);
    const staticSmem = rand() < 0.3 ? 0 : Math.floor(rand() * 48 * KB);
    // Up to 5 % past the opt-in maximum, so launches that cannot run are covered too.
    const dynamicSmem = rand() < 0.5 ? 0 : Math.floor(rand() * CC[cc]!.smemPerBlockOptin * 1.05);
    // One barrier mostly (`__syncthreads` alone); up to 16 named barriers (the hardware's count) in a third.
    const barriers = randBarriers() < 0.66 ? 1 : 1 + Math.floor(randBarriers() * 16);
    out.push({ name: `random ${i}`, cc, threads, registers, staticSmem, dynamicSmem, barriers });
  }
  return out;
}

const RANDOM = randomCases(5000);

const ORACLE_CPP = String.raw`
#include <cstdio>
#include <climits>
#include "cuda_occupancy.h"

// stdin: one case per line, "major minor maxThreadsPerSm smemPerSm optin reserved threads regs static dynamic barriers".
// stdout: "status active limitWarps limitRegs limitSmem limitBlocks limitBarriers" per case (INT_MAX printed as -1).
static long lim(int x) { return x == INT_MAX ? -1L : (long)x; }

int main() {
  int major, minor, maxThreadsPerSm, threads, regs, barriers;
  long smemPerSm, optin, reserved, staticSmem, dynamicSmem;
  while (std::scanf("%d %d %d %ld %ld %ld %d %d %ld %ld %d", &major, &minor, &maxThreadsPerSm, &smemPerSm, &optin, &reserved,
                    &threads, &regs, &staticSmem, &dynamicSmem, &barriers) == 11) {
    cudaOccDeviceProp prop;
    prop.computeMajor = major;
    prop.computeMinor = minor;
    prop.maxThreadsPerBlock = 1024;
    prop.maxThreadsPerMultiprocessor = maxThreadsPerSm;
    prop.regsPerBlock = 65536;
    prop.regsPerMultiprocessor = 65536;
    prop.warpSize = 32;
    prop.sharedMemPerBlock = 48 * 1024;
    prop.sharedMemPerMultiprocessor = (size_t)smemPerSm;
    prop.numSms = 1;
    prop.sharedMemPerBlockOptin = (size_t)optin;
    prop.reservedSharedMemPerBlock = (size_t)reserved;

    cudaOccFuncAttributes attr;
    attr.maxThreadsPerBlock = 1024;
    attr.numRegs = regs;
    attr.sharedSizeBytes = (size_t)staticSmem;
    attr.partitionedGCConfig = PARTITIONED_GC_OFF;
    attr.shmemLimitConfig = FUNC_SHMEM_LIMIT_OPTIN;
    attr.maxDynamicSharedSizeBytes = (size_t)(optin > staticSmem ? optin - staticSmem : 0);
    attr.numBlockBarriers = barriers;

    cudaOccDeviceState state;
    cudaOccResult result;
    cudaOccError status = cudaOccMaxActiveBlocksPerMultiprocessor(&result, &prop, &attr, &state, threads, (size_t)dynamicSmem);
    std::printf("%d %d %ld %ld %ld %ld %ld\n", (int)status, result.activeBlocksPerMultiprocessor, lim(result.blockLimitWarps),
                lim(result.blockLimitRegs), lim(result.blockLimitSharedMem), lim(result.blockLimitBlocks), lim(result.blockLimitBarriers));
  }
  return 0;
}
`;

function findHeaderDir(): string | null {
  const roots = [process.env.CUDA_PATH, process.env.CUDA_HOME, "/usr/local/cuda"].filter((r): r is string => !!r);
  for (const r of roots) {
    for (const dir of [join(r, "include"), join(r, "targets", "x86_64-linux", "include")]) {
      if (existsSync(join(dir, "cuda_occupancy.h"))) return dir;
    }
  }
  return null;
}

function hasGpp(): boolean {
  const r = spawnSync("g++", ["--version"], { encoding: "utf8", timeout: 10_000 });
  return r.status === 0;
}

const headerDir = findHeaderDir();
const skip = !headerDir ? "cuda_occupancy.h not found (no CUDA Toolkit include folder)" : !hasGpp() ? "g++ not found" : false;

interface OracleAnswer {
  readonly status: number;
  readonly active: number;
  /** `barriers` only where the toolkit applies a barrier limit (compute capability 9.0 on). */
  readonly limits: { warps: number; registers: number; sharedMemory: number; blocks: number; barriers?: number };
}

describe("NVIDIA occupancy against the CUDA Toolkit's cuda_occupancy.h", { skip, timeout: 120_000 }, () => {
  const dir = skip ? "" : mkdtempSync(join(tmpdir(), "kl-occupancy-oracle-"));
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let answers: OracleAnswer[] = [];
  const oracle = (): OracleAnswer[] => {
    if (answers.length > 0) return answers;
    const source = join(dir, "oracle.cpp");
    const program = join(dir, process.platform === "win32" ? "oracle.exe" : "oracle");
    writeFileSync(source, ORACLE_CPP);
    const build = spawnSync("g++", ["-std=c++11", "-O1", "-I", headerDir!, source, "-o", program], { encoding: "utf8", timeout: 60_000, killSignal: "SIGKILL" });
    assert.equal(build.status, 0, `g++ failed to build the oracle:\n${build.stderr}`);
    const input = [...CASES, ...RANDOM].map((c) => {
      const p = CC[c.cc]!;
      return [p.major, p.minor, p.maxThreadsPerSm, p.smemPerSm, p.smemPerBlockOptin, p.reserved, c.threads, c.registers, c.staticSmem, c.dynamicSmem, c.barriers ?? 1].join(" ");
    }).join("\n");
    const run = spawnSync(program, [], { input: `${input}\n`, encoding: "utf8", timeout: 30_000, killSignal: "SIGKILL" });
    assert.equal(run.status, 0, run.stderr);
    const inf = (x: number): number => (x === -1 ? Number.POSITIVE_INFINITY : x);
    answers = run.stdout
      .trim()
      .split("\n")
      .map((line) => {
        const [status, active, warps, registers, sharedMemory, blocks, barriers] = line.trim().split(/\s+/).map(Number);
        const limits = { warps: inf(warps!), registers: inf(registers!), sharedMemory: inf(sharedMemory!), blocks: inf(blocks!), ...(barriers !== -1 ? { barriers: barriers! } : {}) };
        return { status: status!, active: active!, limits };
      });
    assert.equal(answers.length, CASES.length + RANDOM.length, "one answer per case");
    return answers;
  };

  it("has a device in the project's database for each compute capability used", () => {
    for (const [cc, id] of Object.entries(DEVICE_OF)) assert.equal(findDevice(id)?.computeCapability, cc, id);
    assert.ok(CASES.length >= 20);
  });

  CASES.forEach((c, i) => {
    it(c.name, () => {
      const o = oracle()[i]!;
      assert.equal(o.status, 0, "cuda_occupancy.h accepted the case");
      const device = findDevice(DEVICE_OF[c.cc]!)!;
      const mine = computeOccupancy(device, { threadsPerBlock: c.threads, registersPerThread: c.registers, sharedMemoryPerBlockBytes: c.staticSmem + c.dynamicSmem, barriersPerBlock: c.barriers ?? 1 });
      assert.equal(mine.activeBlocksPerSm, o.active, `active blocks per SM: project ${mine.activeBlocksPerSm}, cuda_occupancy.h ${o.active}`);
      // Where the launch can run, every per-resource limit agrees too (the project reports no limits for a launch
      // that cannot run, only why).
      if (o.active > 0) assert.deepEqual(mine.limits, o.limits);
      else assert.ok(mine.invalidReason, "a launch the toolkit cannot run is invalid in the project too");
    });
  });

  it(`${RANDOM.length} seeded random kernels: the same active blocks, and the same limits where the launch can run`, () => {
    const all = oracle();
    const wrong: string[] = [];
    RANDOM.forEach((c, j) => {
      const o = all[CASES.length + j]!;
      const mine = computeOccupancy(findDevice(DEVICE_OF[c.cc]!)!, { threadsPerBlock: c.threads, registersPerThread: c.registers, sharedMemoryPerBlockBytes: c.staticSmem + c.dynamicSmem, barriersPerBlock: c.barriers ?? 1 });
      const same = o.status === 0 && mine.activeBlocksPerSm === o.active && (o.active === 0 || JSON.stringify(mine.limits) === JSON.stringify(o.limits));
      if (!same) wrong.push(`${JSON.stringify(c)}: project ${mine.activeBlocksPerSm} ${JSON.stringify(mine.limits)}, cuda_occupancy.h ${o.active} ${JSON.stringify(o.limits)}`);
    });
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} disagreements`);
  });

  // From compute capability 9.0 on, cuda_occupancy.h also limits blocks by named barriers: blocks x 2 barriers per
  // SM on 9.0 and 10.0, blocks x 1 on 12.x. One barrier (`__syncthreads` alone) never binds.
  it("named barriers limit blocks per SM from compute capability 9.0 on, as cudaOccMaxBlocksPerSMBlockBarrierLimit does", () => {
    const at = (prefix: string): number => CASES.findIndex((c) => c.name.startsWith(prefix));
    const h100 = at("H100, 32-thread blocks, 3 named barriers");
    const rtx = at("RTX 5090, 32-thread blocks, 2 named barriers");
    assert.equal(oracle()[h100]!.active, 21);
    assert.equal(oracle()[rtx]!.active, 12);
    const mine = computeOccupancy(findDevice("nvidia-rtx-5090")!, { threadsPerBlock: 32, registersPerThread: 32, sharedMemoryPerBlockBytes: 0, barriersPerBlock: 2 });
    assert.equal(mine.activeBlocksPerSm, 12);
    assert.equal(mine.limitedBy, "barriers");
    assert.match(mine.detail, /2 named barriers per block/);
    // Without a barrier count (no compiler report), the limit is not applied.
    assert.equal(computeOccupancy(findDevice("nvidia-rtx-5090")!, { threadsPerBlock: 32, registersPerThread: 32, sharedMemoryPerBlockBytes: 0 }).activeBlocksPerSm, 24);
    const withBarriers = RANDOM.filter((c) => (c.barriers ?? 1) > 1 && Number(c.cc) >= 9).length;
    assert.ok(withBarriers > 300, `random cases with named barriers on CC >= 9: ${withBarriers}`);
  });

  it("every NVIDIA device of the database agrees with cuda_occupancy.h for its compute capability (H100 PCIe, H200, ...)", () => {
    const all = oracle();
    const devices = listDevices().filter((d) => d.vendor === "nvidia" && d.computeCapability && CC[d.computeCapability]);
    assert.ok(devices.length >= 15, devices.map((d) => d.id).join(", "));
    for (const cc of ["9.0", "10.0", "12.0"]) assert.ok(devices.some((d) => d.computeCapability === cc), `a device of compute capability ${cc}`);
    const wrong: string[] = [];
    for (const device of devices) {
      RANDOM.forEach((c, j) => {
        if (c.cc !== device.computeCapability) return;
        const o = all[CASES.length + j]!;
        const mine = computeOccupancy(device, { threadsPerBlock: c.threads, registersPerThread: c.registers, sharedMemoryPerBlockBytes: c.staticSmem + c.dynamicSmem, barriersPerBlock: c.barriers ?? 1 });
        if (mine.activeBlocksPerSm !== o.active) wrong.push(`${device.id} ${JSON.stringify(c)}: project ${mine.activeBlocksPerSm}, cuda_occupancy.h ${o.active}`);
      });
    }
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} disagreements`);
  });

  it("the Marlin-style kernel on A100 is one block of 8 warps: 12.5 % occupancy by design", () => {
    const i = CASES.findIndex((c) => c.name.startsWith("A100, Marlin"));
    assert.equal(oracle()[i]!.active, 1);
    const mine = computeOccupancy(findDevice("nvidia-a100-sxm-80gb")!, { threadsPerBlock: 256, registersPerThread: 130, sharedMemoryPerBlockBytes: 96 * KB });
    assert.equal(mine.occupancy, 0.125);
  });
});
