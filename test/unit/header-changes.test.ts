// Which open documents a batch of headers changed on disk concerns (server/src/lsp/headerChanges.ts), and how the
// reports of a burst are gathered into one batch.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { type ChangedFile, documentsReading, HeaderChanges } from "../../server/src/lsp/headerChanges";

const CHANGED = 2;
const CREATED = 1;
const DELETED = 3;

describe("documentsReading", () => {
  const dir = mkdtempSync(join(tmpdir(), "kernellens-header-changes-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const a = { uri: `file://${join(dir, "a.cu")}`, text: '#include "tile.cuh"\n#include <cuda_runtime.h>\n', includes: [join(dir, "tile.cuh")] };
  const b = { uri: `file://${join(dir, "b.cu")}`, text: '#include "sub/config.h"\n', includes: [join(dir, "sub", "config.h")] };
  const c = { uri: `file://${join(dir, "c.cu")}`, text: "// mentions later.h only in a comment\n#include \"other.h\"\n", includes: [] };

  it("picks the documents whose static analysis included a changed or deleted file", () => {
    assert.deepEqual(documentsReading([{ path: join(dir, "tile.cuh"), type: CHANGED }], [a, b, c]), [a.uri]);
    assert.deepEqual(documentsReading([{ path: join(dir, "sub", "config.h"), type: DELETED }], [a, b, c]), [b.uri]);
    assert.deepEqual(documentsReading([{ path: join(dir, "tile.cuh"), type: CHANGED }, { path: join(dir, "sub", "config.h"), type: CHANGED }], [a, b, c]), [a.uri, b.uri]);
    assert.deepEqual(documentsReading([{ path: join(dir, "unrelated.h"), type: CHANGED }], [a, b, c]), []);
  });

  it("for a created file, picks the documents whose text includes a file of that name (it was missing)", () => {
    const waiting = { uri: `file://${join(dir, "d.cu")}`, text: '  #  include "include/later.h"\n', includes: [] };
    const created: ChangedFile[] = [{ path: join(dir, "include", "later.h"), type: CREATED }];
    assert.deepEqual(documentsReading(created, [a, b, c, waiting]), [waiting.uri]);
    // Changed, not created: a file the document never read does not concern it.
    assert.deepEqual(documentsReading([{ path: join(dir, "include", "later.h"), type: CHANGED }], [waiting]), []);
    // A name that only contains the file's name is another file.
    const longer = { uri: `file://${join(dir, "e.cu")}`, text: '#include "notlater.h"\n', includes: [] };
    assert.deepEqual(documentsReading(created, [longer]), []);
  });

  it("matches a header reported through a link to the file the analysis read", () => {
    const real = join(dir, "real.cuh");
    writeFileSync(real, "#define X 1\n");
    const link = join(dir, "link.cuh");
    symlinkSync(real, link);
    const reader = { uri: `file://${join(dir, "f.cu")}`, text: '#include "link.cuh"\n', includes: [real] };
    assert.deepEqual(documentsReading([{ path: link, type: CHANGED }], [reader]), [reader.uri]);
  });

  it("leaves out the changed document's own file", () => {
    const self = { uri: `file://${join(dir, "self.cuh")}`, text: "", includes: [join(dir, "self.cuh")] };
    assert.deepEqual(documentsReading([{ path: join(dir, "self.cuh"), type: CHANGED }], [self]), []);
  });
});

describe("HeaderChanges", () => {
  it("hands a burst of reports on as one batch after the quiet time, each path once with its last change", async () => {
    const batches: (readonly ChangedFile[])[] = [];
    const changes = new HeaderChanges(40, (b) => batches.push(b));
    changes.add([{ uri: "file:///w/a.h", type: CREATED }]);
    await new Promise((r) => setTimeout(r, 15));
    changes.add([{ uri: "file:///w/a.h", type: CHANGED }, { uri: "file:///w/b.cuh", type: CHANGED }, { uri: "untitled:Untitled-1", type: CHANGED }]);
    await new Promise((r) => setTimeout(r, 15));
    assert.equal(batches.length, 0, "still quiet-timing");
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(batches, [[{ path: "/w/a.h", type: CHANGED }, { path: "/w/b.cuh", type: CHANGED }]]);
    changes.add([{ uri: "file:///w/c.hpp", type: DELETED }]);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(batches.length, 2);
    assert.deepEqual(batches[1], [{ path: "/w/c.hpp", type: DELETED }]);
    changes.dispose();
  });

  it("ignores malformed reports and hands nothing on after dispose", async () => {
    const batches: (readonly ChangedFile[])[] = [];
    const changes = new HeaderChanges(10, (b) => batches.push(b));
    changes.add(null as never);
    changes.add([null, { uri: 42, type: 1 }] as never);
    changes.add([{ uri: "file:///w/a.h", type: CHANGED }]);
    changes.dispose();
    await new Promise((r) => setTimeout(r, 40));
    assert.deepEqual(batches, []);
  });
});
