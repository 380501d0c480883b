// An open document is analysed again when a file it includes changes, though its own text does not: a header edited
// in the editor (its unsaved text wins over the disk), and a header changed on disk that the client's watcher reports
// (`workspace/didChangeWatchedFiles`), both seen in the includer's code lens. No nvcc needed (compiles are off).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { CodeLens } from "vscode-languageserver-protocol";
import { startServer, type ServerHandle } from "../support/lspClient";

const includer = `#include "square.cuh"
__global__ void squares(const float *x, float *y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = SQUARE(x[i]);
}
int main() { float *x = nullptr; squares<<<4096, 256>>>(x, x, 4096 * 256); return 0; }
`;

describe("includers analysed again when a header changes", { timeout: 60_000 }, () => {
  let work = "";
  let server: ServerHandle;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), "kernellens-header-dependents-"));
    server = await startServer({ device: "nvidia-a100-sxm-80gb", workspaceTrusted: true, cuda: { compile: false } }, work);
  });
  after(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** The includer's model FLOPs, from its lens's tooltip (1,048,576 threads: about 1.05 MFLOP per FLOP per thread), once it reads `want`. */
  async function lensUntil(uri: string, want: RegExp): Promise<string> {
    const until = Date.now() + 20_000;
    let last = "";
    while (Date.now() < until) {
      const lenses = (await server.connection.sendRequest("textDocument/codeLens", { textDocument: { uri } })) as CodeLens[];
      // The FLOPs are in the cost lens's tooltip (its title is the verdict and the time).
      last = lenses.map((l) => `${l.command?.title ?? ""} ${(l.command as { tooltip?: string } | undefined)?.tooltip ?? ""}`).join(" | ");
      if (want.test(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`the lens never matched ${want}: ${last}`);
  }

  it("follows a header edited in the editor, then one changed on disk", async () => {
    const header = join(work, "square.cuh");
    writeFileSync(header, "#define SQUARE(v) ((v) * (v))\n");
    const uri = `file://${join(work, "squares.cu")}`;
    server.open(uri, includer, 1, "cuda-cpp");
    await lensUntil(uri, /≈ 1 MFLOP /);

    // Edited in the editor, not saved: 3 FLOPs per element.
    const headerUri = `file://${header}`;
    server.open(headerUri, "#define SQUARE(v) ((v) * (v))\n", 1, "cuda-cpp");
    server.change(headerUri, "#define SQUARE(v) ((v) * (v) * (v) + 1.0f)\n", 2);
    await lensUntil(uri, /≈ 3\.1 MFLOP /);
    server.close(headerUri);

    // Changed on disk while not open (reported by the watcher): 2 FLOPs per element.
    writeFileSync(header, "#define SQUARE(v) ((v) * (v) + 1.0f)\n");
    void server.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: headerUri, type: 2 }] });
    await lensUntil(uri, /≈ 2\.1 MFLOP /);
  });
});
