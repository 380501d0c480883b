// Unit tests of renderWebviewHtml: the strict CSP is always there, the nonce is filled in, every value is escaped.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { contentSecurityPolicy, createNonce, escapeHtml, renderWebviewHtml } from "../../client/src/panels/webviewHtml";

const root = new URL("../..", import.meta.url).pathname;
const kernelsTemplate = readFileSync(`${root}webview/src/kernels/kernels.html`, "utf8");

const template = [
  "<!DOCTYPE html>",
  '<html><head><meta http-equiv="Content-Security-Policy" content="{{csp}}">',
  '<link rel="stylesheet" href="{{styleUri}}"></head>',
  '<body data-source="{{cspSource}}"><script nonce="{{nonce}}" src="{{scriptUri}}"></script></body></html>',
].join("\n");

const nonce = "AAECAwQFBgcICQoLDA0ODw==";
const values = {
  cspSource: "https://file+.vscode-resource.vscode-cdn.net",
  nonce,
  uris: { scriptUri: "https://x.vscode-cdn.net/dist/webview/kernels.js", styleUri: "https://x.vscode-cdn.net/k.css" },
};

describe("renderWebviewHtml", () => {
  it("puts the strict policy in the CSP meta tag", () => {
    const html = renderWebviewHtml(template, values);
    const policy = `default-src 'none'; img-src ${values.cspSource} data:; style-src ${values.cspSource}; font-src ${values.cspSource}; script-src 'nonce-${nonce}';`;
    assert.equal(contentSecurityPolicy(values.cspSource, nonce), policy);
    // Quotes in the policy are escaped inside the attribute; the browser reads them back as quotes.
    assert.ok(html.includes(`content="${escapeHtml(policy)}"`), html);
    assert.ok(!policy.includes("unsafe-inline") && !policy.includes("unsafe-eval"));
  });

  it("substitutes the nonce, the source and every URI, leaving no placeholder", () => {
    const html = renderWebviewHtml(template, values);
    assert.ok(html.includes(`<script nonce="${escapeHtml(nonce)}" src="${values.uris.scriptUri}">`));
    assert.ok(html.includes(`href="${values.uris.styleUri}"`));
    assert.ok(html.includes(`data-source="${values.cspSource}"`));
    assert.doesNotMatch(html, /\{\{|\}\}/);
  });

  it("escapes what it inserts, in one pass", () => {
    const html = renderWebviewHtml(template, {
      ...values,
      uris: { scriptUri: `x.js"><script>alert(1)</script>`, styleUri: "{{nonce}}&'" },
    });
    assert.ok(html.includes(`src="x.js&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;"`), html);
    // A value that looks like a placeholder stays text instead of being expanded a second time.
    assert.ok(html.includes(`href="{{nonce}}&#38;&#39;"`), html);
    assert.equal(html.match(/<script/g)?.length, 1);
  });

  it("refuses a nonce or source that could change the policy", () => {
    assert.throws(() => renderWebviewHtml(template, { ...values, nonce: "abc'; script-src *" }), /nonce/);
    assert.throws(() => renderWebviewHtml(template, { ...values, nonce: "" }), /nonce/);
    assert.throws(() => renderWebviewHtml(template, { ...values, cspSource: "https://a; script-src *" }), /cspSource/);
    assert.throws(() => renderWebviewHtml(template, { ...values, cspSource: "'unsafe-inline'" }), /cspSource/);
    assert.throws(() => renderWebviewHtml(template, { ...values, cspSource: "'self' 'unsafe-eval'" }), /cspSource/);
    assert.throws(() => renderWebviewHtml(template, { ...values, cspSource: "https://a  https://b" }), /cspSource/);
  });

  it("accepts the list of sources code-server gives a webview", () => {
    const html = renderWebviewHtml(template, { ...values, cspSource: "'self' https://*.vscode-cdn.net" });
    assert.ok(html.includes("style-src &#39;self&#39; https://*.vscode-cdn.net;") || html.includes("style-src 'self' https://*.vscode-cdn.net;"));
  });

  it("refuses a template without the CSP meta tag or with an unknown placeholder", () => {
    assert.throws(() => renderWebviewHtml("<html><script nonce=\"{{nonce}}\"></script></html>", values), /Content-Security-Policy/);
    assert.throws(() => renderWebviewHtml(`${template}{{missingUri}}`, values), /missingUri/);
  });

  it("renders the Kernels page template: one script, with the nonce and a src, and no inline code", () => {
    const html = renderWebviewHtml(kernelsTemplate, { ...values, uris: { ...values.uris, themeUri: "https://x/theme.css" } });
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0]![1]!, new RegExp(`nonce="${escapeHtml(nonce)}"`));
    assert.match(scripts[0]![1]!, /src="https:/);
    assert.equal(scripts[0]![2]!.trim(), "");
    assert.doesNotMatch(html, /\son[a-z]+=|style=/i, "no inline handlers or style attributes, which the CSP would block");
  });
});

describe("createNonce", () => {
  it("gives 16 random bytes in base64, different each time", () => {
    const nonces = new Set(Array.from({ length: 50 }, () => createNonce()));
    assert.equal(nonces.size, 50);
    for (const n of nonces) {
      assert.match(n, /^[A-Za-z0-9+/]{22}==$/);
      assert.equal(Buffer.from(n, "base64").length, 16);
    }
  });
});
