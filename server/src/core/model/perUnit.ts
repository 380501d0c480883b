// What one invocation and one workgroup do on average: the numbers a kernel author reasons with, whatever the size.
import { totalFlops } from "./flops";
import type { KernelModel, PerUnit } from "./types";

/** Per invocation and per workgroup, averaged over the dispatch (threads a bounds guard turns away count as zero). */
export function perUnit(m: KernelModel): { invocation: PerUnit; workgroup: PerUnit } | null {
  if (m.invocations === null || !(m.invocations > 0) || !m.workgroupSize) return null;
  const n = m.invocations;
  const invocation: PerUnit = {
    flops: totalFlops(m.ops).value / n,
    globalBytes: (m.ops.globalLoadBytes.value + m.ops.globalStoreBytes.value) / n,
    specialOps: m.ops.specialOps.value / n,
  };
  const size = m.workgroupSize[0] * m.workgroupSize[1] * m.workgroupSize[2];
  return { invocation, workgroup: { flops: invocation.flops * size, globalBytes: invocation.globalBytes * size, specialOps: invocation.specialOps * size } };
}
