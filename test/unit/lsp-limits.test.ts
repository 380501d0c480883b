// The language server's size limits (lsp/documentLimits.ts), without a server.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CoreDiagnostic } from "../../server/src/core/diagnostic";
import { capDiagnostics, documentMode, LARGE_DOCUMENT_BYTES, limitDiagnostic, MAX_DOCUMENT_BYTES, MAX_PUBLISHED_DIAGNOSTICS, utf8Bytes } from "../../server/src/lsp/documentLimits";

describe("document size limits", () => {
  it("sorts documents by their UTF-8 size", () => {
    assert.equal(documentMode(LARGE_DOCUMENT_BYTES), "full");
    assert.equal(documentMode(LARGE_DOCUMENT_BYTES + 1), "large");
    assert.equal(documentMode(MAX_DOCUMENT_BYTES + 1), "refused");
    assert.equal(utf8Bytes("é".repeat(400_000)), 800_000);
    assert.equal(limitDiagnostic("full", 10), undefined);
    assert.equal(limitDiagnostic("large", 2 * 1024 * 1024)?.code, "large-document");
    assert.match(limitDiagnostic("refused", 5 * 1024 * 1024, true)?.message ?? "", /^This document with its includes is 5\.0 MiB/);
  });

  it("publishes at most so many diagnostics, the size message and errors first", () => {
    const d = (severity: CoreDiagnostic["severity"], at: number, code = "x"): CoreDiagnostic => ({ severity, code, message: `${severity} ${at}`, span: { start: at, end: at }, source: "kernellens" });
    const few = [d("info", 1), d("error", 2)];
    assert.equal(capDiagnostics(few), few);
    const many = [limitDiagnostic("large", 2 << 20)!, ...Array.from({ length: 3000 }, (_, i) => d(i % 3 === 0 ? "error" : "warning", i))];
    const capped = capDiagnostics(many);
    assert.equal(capped.length, MAX_PUBLISHED_DIAGNOSTICS);
    assert.equal(capped[0].code, "diagnostics-truncated");
    assert.match(capped[0].message, /^2,002 more diagnostics are not shown/);
    assert.ok(capped.some((x) => x.code === "large-document"));
    assert.equal(capped.filter((x) => x.severity === "error").length, 998, "every error before any warning");
  });
});
