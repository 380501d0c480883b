// The tree-sitter loader (server/src/treeSitter/grammars.ts): the runtime and the CUDA grammar load from the repository
// (as under tsx) and parse real CUDA with no ERROR node; the candidate paths put the bundle's copy first.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createParser, wasmCandidates } from "../../server/src/treeSitter/grammars";

describe("tree-sitter grammars", () => {
  it("parses a templated kernel and its launch with the CUDA grammar", async () => {
    const parser = await createParser("cuda");
    assert.ok(!("error" in parser), "error" in parser ? parser.error : "");
    const tree = parser.parse(`template <int B> __global__ void __launch_bounds__(256) k(const float* __restrict__ a, float* b, int n) {
  __shared__ float s[B];
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) b[i] = a[i] * 2.0f;
  __syncthreads();
}
void host(const float* a, float* b, int n) { k<256><<<(n + 255) / 256, 256, 0, 0>>>(a, b, n); }
`);
    assert.ok(tree);
    assert.equal(tree.rootNode.hasError, false, tree.rootNode.toString());
    assert.match(tree.rootNode.toString(), /launch_bounds/);
    assert.match(tree.rootNode.toString(), /kernel_call_syntax|execution_configuration/);
  });

  it("looks for the bundle's copy in dist/tree-sitter first, then node_modules", () => {
    const c = wasmCandidates("tree-sitter-cuda.wasm", ["tree-sitter-cuda", "tree-sitter-cuda.wasm"], "/x/dist");
    assert.equal(c[process.env.KERNELLENS_TREE_SITTER_DIR ? 1 : 0], join("/x/dist", "tree-sitter", "tree-sitter-cuda.wasm"));
    assert.ok(c.includes(join("/x/dist", "node_modules", "tree-sitter-cuda", "tree-sitter-cuda.wasm")));
  });
});
