// The model's numbers in each language's words: a CUDA kernel's hover, lens and hints speak of threads, blocks, the
// grid and shared memory; WGSL keeps invocations, workgroups, the dispatch and workgroup memory.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { findDevice } from "../../server/src/core/devices/database";
import { breakdownMarkdown, CUDA_WORDS } from "../../server/src/core/model/format";
import { summaryLine } from "../../server/src/core/model/lensLine";
import { loopHint } from "../../server/src/core/model/loopHint";
import { analyzeCuda } from "../support/cudaParser";

const root = join(__dirname, "..", "..");
const a100 = findDevice("nvidia-a100-sxm-80gb")!;

describe("launch words", () => {
  it("tells a CUDA kernel's breakdown in threads, blocks, the grid and shared memory", async () => {
    const text = readFileSync(join(root, "test", "fixtures", "cuda", "sgemm-3-smem-tiling.cu"), "utf8");
    const analysis = await analyzeCuda(text, { model: { device: a100 } });
    const [, k] = [...analysis.models][0];
    const md = breakdownMarkdown(k.model, a100, CUDA_WORDS);
    // The fixture launches a (128, 128) grid of 1,024-thread blocks with 8 KB of shared tiles.
    assert.match(md, /\| Block \| 1024 × 1 × 1 = 1024 threads \|/);
    assert.match(md, /\| Grid \| 128 × 128 × 1 blocks, 17 Mthreads \|/);
    assert.match(md, /\| Per thread \|/);
    assert.match(md, /\| Shared memory \| 8\.2 kB per block \|/);
    assert.match(md, /\| Bound \| shared-memory, /);
    assert.doesNotMatch(md, /invocation|workgroup|dispatch/i);
    assert.doesNotMatch(summaryLine(k.model, a100, CUDA_WORDS), /workgroup/);
    for (const l of k.model.loops) assert.doesNotMatch(loopHint(l, CUDA_WORDS), /workgroup/);
    // Without a compiler the registers are an estimate, and the hover says so.
    assert.match(md, /registers ≈ \d+ per thread, estimated/);
  });
});
