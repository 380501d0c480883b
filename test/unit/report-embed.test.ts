// Unit tests of how `kernellens report` inlines data, script and styles into one HTML file: escapes, CSP hashes, refusals.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseArgs } from "../../server/src/cli/args";
import { cspHash, embedJson, inlineScript, inlineStyle, renderReportHtml, reportCommand } from "../../server/src/cli/reportCommand";
import { DEFAULT_DEVICE_ID, findDevice } from "../../server/src/core/devices/database";
import { findRepoRoot } from "../support/repoRoot";

const root = findRepoRoot(__dirname);
const template = readFileSync(join(root, "webview", "src", "report", "report.html"), "utf8");

/** Strings that end or confuse a script block, or a JSON or JavaScript reader, if they reach the page unescaped. */
const hostile = [
  "</script><script>alert(1)</script>",
  "</SCRIPT >",
  "</script\t",
  "<!--<script>",
  "-->",
  "]]>",
  "&lt;b&gt; & <b>",
  "line\u2028separator\u2029paragraph",
  '"quoted" \\ back\\slash',
  "{{script}} {{csp}}",
  "emoji 🙂 and \u0000 nul",
];

describe("embedJson", () => {
  it("reads back as the same value and cannot end or confuse the script block", () => {
    const value = { names: hostile, nested: { [hostile[0]!]: hostile }, n: 1.5, t: true, none: null };
    const text = embedJson(value);
    assert.deepEqual(JSON.parse(text), value);
    assert.doesNotMatch(text, /[<>&\u2028\u2029]/, "no character that HTML's script data state or old JavaScript parsers treat specially");
    assert.match(text, /\\u003c\/script\\u003e/);
  });

  it("writes non-finite numbers as null, as the run history does", () => {
    assert.equal(embedJson({ a: Infinity, b: -Infinity, c: NaN, d: [Infinity] }), '{"a":null,"b":null,"c":null,"d":[null]}');
  });

  it("refuses a value that has no JSON at all", () => {
    assert.throws(() => embedJson(undefined), /nothing to embed/);
  });
});

describe("inlineScript and inlineStyle", () => {
  it("writes the `<` of </script and <!-- as \\x3C, which keeps strings and regular expressions meaning the same", () => {
    const source = 'window.out = ["</script>", "<!--x", /<\\/script/i.test("</SCRIPT>"), `</Script>`];\n';
    const inlined = inlineScript(source);
    assert.doesNotMatch(inlined, /<\/script|<!--/i);
    const run = (code: string): unknown => {
      const window: { out?: unknown } = {};
      new Function("window", code)(window);
      return window.out;
    };
    assert.deepEqual(run(inlined), run(source));
  });

  it("drops a trailing source map comment (a development build inlines the whole map)", () => {
    assert.equal(inlineScript("let a = 1;\n//# sourceMappingURL=data:application/json;base64,AAAA\n"), "let a = 1;\n");
    assert.equal(inlineScript("let a = '//# sourceMappingURL=x';\n"), "let a = '//# sourceMappingURL=x';\n");
  });

  it("refuses a stylesheet that would end its block", () => {
    assert.equal(inlineStyle("a::after { content: '<b>'; }"), "a::after { content: '<b>'; }");
    assert.throws(() => inlineStyle("a::after { content: '</style>'; }"), /<\/style/);
  });
});

describe("renderReportHtml", () => {
  const parts = {
    title: "KernelLens report: <b>&'\"",
    script: 'document.title = "</script>";\n//# sourceMappingURL=report.js.map\n',
    style: "body { color: red; }",
    data: { names: hostile },
  };

  it("inlines the blocks whose exact text the CSP's hashes allow, and nothing else", () => {
    const html = renderReportHtml(template, parts);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1]?.replaceAll("&#39;", "'");
    assert.ok(csp);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 2, "the data block and the page's script, each ended by its own tag");
    const [data, script] = scripts;
    assert.equal(data![1], ' type="application/json" id="kernellens-report-data"');
    assert.deepEqual(JSON.parse(data![2]!), parts.data);
    const sha = (text: string): string => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
    assert.equal(csp, `default-src 'none'; script-src ${sha(script![2]!)}; style-src ${sha(style!)}; img-src data:; base-uri 'none'; form-action 'none'`);
    assert.equal(cspHash(script![2]!), sha(script![2]!));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(script![2], 'document.title = "\\x3C/script>";\n');
    assert.match(html, /<title>KernelLens report: &#60;b&#62;&#38;&#39;&#34;<\/title>/);
    // One pass: the data's "{{script}}" stays text in its block, and no placeholder of the template is left.
    assert.doesNotMatch(html.replace(data![0], ""), /\{\{\s*[A-Za-z]/);
    assert.equal(html.split("document.title").length - 1, 1, "the script is placed once, not again where the data says {{script}}");
  });

  it("refuses a template without the CSP meta tag or with a placeholder it has no value for", () => {
    assert.throws(() => renderReportHtml(template.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, ""), parts), /Content-Security-Policy/);
    assert.throws(() => renderReportHtml(template.replace("{{title}}", "{{nope}}"), parts), /no value for \{\{nope\}\}/);
  });
});

describe("reportCommand without a built page", () => {
  it("exits 2 and says to run npm run build", async () => {
    const empty = mkdtempSync(join(tmpdir(), "kernellens-report-assets-"));
    try {
      let stderr = "";
      let stdout = "";
      const code = await reportCommand(parseArgs(["report", join(root, "examples", "saxpy.wgsl"), "-o", join(empty, "out.html")]), {
        device: findDevice(DEFAULT_DEVICE_ID)!,
        measured: [],
        includeResolver: () => () => ({ error: "no includes here" }),
        version: "test",
        assetsDir: empty,
        stdout: (s) => (stdout += s),
        stderr: (s) => (stderr += s),
      });
      assert.equal(code, 2);
      assert.match(stderr, /run `npm run build`/);
      assert.equal(stdout, "");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("parses -o and --output, and leaves them unset by default", () => {
    assert.equal(parseArgs(["report", "a.wgsl", "-o", "x.html"]).output, "x.html");
    assert.equal(parseArgs(["report", "a.wgsl", "--output=y.html"]).output, "y.html");
    assert.equal(parseArgs(["report", "a.wgsl", "--output", "z.html"]).output, "z.html");
    assert.equal(parseArgs(["report", "a.wgsl"]).output, undefined);
  });
});
