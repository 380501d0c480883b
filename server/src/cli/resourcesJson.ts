// The `resources` entry of a kernel in `kernellens analyze --json` (design note, wave 2): what one thread block or
// workgroup takes of an SM. Without nvcc's numbers (analyzeJson.ts fills them for compiled CUDA files, `exact: true`),
// every figure is the cost model's (`exact: false`):
// registers estimated from the values kept live, shared memory from the declarations and the launch, barriers from
// whether the kernel synchronises its block at all; what the model cannot know (stack, spills) is null.
import type { KernelModel } from "../core/model/types";

export interface ResourcesJson {
  /** Registers per thread (invocation). */
  registers: number | null;
  /** Static shared (workgroup) memory per block, bytes: the declared arrays. */
  sharedMemoryBytes: number | null;
  /** Shared memory the launch sizes (CUDA's third `<<<>>>` argument); 0 for a language without it. */
  dynamicSharedMemoryBytes: number | null;
  /** Per-thread stack frame, bytes. */
  stackBytes: number | null;
  spillStoreBytes: number | null;
  spillLoadBytes: number | null;
  /** Hardware barriers the kernel uses, as ptxas counts them (one for a kernel that synchronises its block). */
  barriers: number | null;
  /** True when the figures come from the compiler (ptxas), false when they are the model's estimates. */
  exact: boolean;
}

/**
 * The model's estimate of a kernel's resources. `dynamicSharedBytes` is the launch's dynamic shared memory (null when
 * unknown), which the model's workgroup-memory total includes; the rest of that total is static.
 */
export function estimatedResources(model: KernelModel | undefined, dynamicSharedBytes: number | null): ResourcesJson {
  const total = model?.workgroupMemoryBytes ?? null;
  return {
    registers: model?.occupancy?.registersPerInvocation ?? null,
    sharedMemoryBytes: total !== null && dynamicSharedBytes !== null ? Math.max(0, total - dynamicSharedBytes) : null,
    dynamicSharedMemoryBytes: dynamicSharedBytes,
    stackBytes: null,
    spillStoreBytes: null,
    spillLoadBytes: null,
    // Counted over the dispatch, so known only with a launch.
    barriers: model && model.invocations !== null ? (model.ops.barriers.max > 0 ? 1 : 0) : null,
    exact: false,
  };
}
