// `kernellens calibrate`: measures the local adapter's ceilings through the GPU helper and saves them as a profile.
//
// Progress goes to stderr so `--json` output stays one clean object on stdout. Exit codes: 0 saved; 3 no adapter,
// a timeout or a crash of the helper (device failures); 2 when the profile cannot be written.
import { GpuHelperProcess } from "../gpu/helperClient";
import type { CalibrationProfile, Cancellation, GpuHelper } from "../gpu/types";
import { profileDir, profileToDevice, saveProfile } from "../run/profiles";
import type { CliArgs } from "./args";
import { formatMs } from "../core/format";
import { formatByteRate, formatFlopRate } from "../core/run/achievedRates";
import { adapterLine } from "./runCommand";

export interface CalibrateCommandDeps {
  readonly helper?: GpuHelper;
  /** Folder the profile is saved in (default: KERNELLENS_PROFILE_DIR or ~/.cache/kernellens/profiles). */
  readonly profileDir?: string;
  readonly stdout?: (s: string) => void;
  readonly stderr?: (s: string) => void;
}

// Ceilings in the unit that fits them (a software adapter's workgroup memory may be MB/s), as run results are.
const gb = (bytesPerSecond: number): string => formatByteRate(bytesPerSecond);
const gflops = (flops: number): string => formatFlopRate(flops);

export function formatProfile(p: CalibrationProfile, path: string, deviceId: string): string {
  const how = p.timing === "timestamp" ? "GPU timestamps" : "wall clock";
  return [
    `adapter          ${adapterLine(p.adapter)}`,
    `measured         ${p.measuredAt} (${how})`,
    `copy f32         ${gb(p.copyBandwidthScalar)} (bytes read + written)`,
    `copy vec4<f32>   ${gb(p.copyBandwidthVec4)}`,
    `buffer copy      ${gb(p.copyBufferToBuffer)} (copyBufferToBuffer, for reference)`,
    `FMA f32          ${gflops(p.fmaF32)} (an FMA is 2 FLOPs)`,
    `FMA f16          ${p.fmaF16 !== undefined ? gflops(p.fmaF16) : "not available (no shader-f16)"}`,
    `workgroup memory ${gb(p.workgroupBandwidth)}`,
    `dispatch         ${formatMs(p.dispatchOverheadMs)} per empty dispatch, submit to completion`,
    `saved to         ${path}`,
    `device id        ${deviceId} (use --device measured or --device ${deviceId})`,
  ].join("\n");
}

export async function calibrateCommand(args: CliArgs, deps: CalibrateCommandDeps = {}): Promise<number> {
  const out = deps.stdout ?? ((s: string) => void process.stdout.write(s));
  const err = deps.stderr ?? ((s: string) => void process.stderr.write(s));
  const helper = deps.helper ?? new GpuHelperProcess({ log: process.env.KERNELLENS_DEBUG ? (m) => err(`kernellens: helper: ${m}\n`) : undefined });
  const listeners: (() => void)[] = [];
  let cancelled = false;
  const cancel: Cancellation = {
    get cancelled() {
      return cancelled;
    },
    onCancel(listener) {
      listeners.push(listener);
    },
  };
  const onSigint = (): void => {
    if (cancelled) process.exit(130);
    cancelled = true;
    for (const l of listeners) l();
  };
  process.on("SIGINT", onSigint);
  try {
    const result = await helper.calibrate((p) => err(`calibrate: [${Math.min(p.done + 1, p.total)}/${p.total}] ${p.step}\n`), cancel);
    if (!("adapter" in result)) {
      err(`kernellens: calibration failed (${result.kind}): ${result.message}\n${result.advice ? `  ${result.advice}\n` : ""}`);
      return 3;
    }
    let path: string;
    try {
      path = saveProfile(result, deps.profileDir ?? profileDir());
    } catch (e) {
      err(`kernellens: the profile could not be saved: ${(e as Error).message}\n`);
      return 2;
    }
    const device = profileToDevice(result);
    if (args.json) out(`${JSON.stringify({ profile: result, path, deviceId: device.id })}\n`);
    else out(`${formatProfile(result, path, device.id)}\n`);
    return 0;
  } finally {
    process.off("SIGINT", onSigint);
    if (!deps.helper) helper.dispose();
  }
}
