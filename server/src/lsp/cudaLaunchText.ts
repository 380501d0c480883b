// A CUDA kernel's launch in a few words, for its hover, its outline entry and the Kernels panel: block, grid, dynamic
// shared memory, and where the sizes came from.
import type { CudaKernelSummary, CudaLaunchSummary } from "../core/cuda/analyze";
import { formatBytes } from "../core/format";

/** `32×32×1` for a block or grid size, or null where it is unknown. */
export function dimsText(dims: readonly [number, number, number] | null): string | null {
  return dims ? dims.join("×") : null;
}

const ORIGIN: Record<CudaLaunchSummary["source"], string> = {
  code: "from the launch in this file",
  directive: "from the launch directives",
  inferred: "inferred from the code, partly assumed",
  none: "no launch known",
};

/** `block 32×32×1 · grid 128×128×1 · 4 KiB dynamic shared memory · from the launch at line 97` */
export function launchText(kernel: CudaKernelSummary, lineOf: (offset: number) => number): string {
  const { launch } = kernel;
  const parts: string[] = [];
  const block = dimsText(launch.block);
  const grid = dimsText(launch.grid);
  if (block) parts.push(`block ${block}`);
  if (grid) parts.push(`grid ${grid}`);
  if (launch.dynamicSharedBytes) parts.push(`${formatBytes(launch.dynamicSharedBytes)} dynamic shared memory`);
  parts.push(launch.source === "code" && launch.site ? `from the launch at line ${lineOf(launch.site.start) + 1}` : ORIGIN[launch.source]);
  return parts.join(" · ");
}
