// Turns a page template from dist/webview/ into a webview's HTML: asset URIs, a fresh nonce and the strict CSP every panel uses.
//
// The vscode import is type-only so that `renderWebviewHtml` runs (and is tested) in plain Node.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { posix } from "node:path";
import type * as vscode from "vscode";

export interface WebviewHtmlValues {
  /** `webview.cspSource`: the origin the webview loads local resources from. */
  cspSource: string;
  /** A fresh base64 nonce per render; only scripts carrying it run. */
  nonce: string;
  /** Asset URIs by placeholder name (`scriptUri`, `styleUri`, `themeUri`), already passed through `asWebviewUri`. */
  uris: Record<string, string>;
  /** Explicit, page-by-page additions to the policy; none by default. */
  allow?: CspAllowances;
}

/** What a page may ask the policy to add, each for a named reason; nothing here allows eval or inline script. */
export interface CspAllowances {
  /**
   * `<style>` elements carrying the render's nonce. Monaco (the Design-space page) writes its theme and decoration
   * rules into `<style>` elements it creates; the page stamps them with the nonce. Inline `style` attributes stay
   * blocked.
   */
  styleNonce?: boolean;
}

/**
 * The one content security policy of every panel: nothing by default, styles, fonts and images only from the
 * extension's own resources, scripts only with the nonce (so no inline script, no eval, nothing from a CDN).
 */
export function contentSecurityPolicy(cspSource: string, nonce: string, allow: CspAllowances = {}): string {
  const style = allow.styleNonce ? `${cspSource} 'nonce-${nonce}'` : cspSource;
  return `default-src 'none'; img-src ${cspSource} data:; style-src ${style}; font-src ${cspSource}; script-src 'nonce-${nonce}';`;
}

/** 16 random bytes, base64: unguessable per render, unlike the Math.random nonces of many samples. */
export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

const placeholder = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;
const cspMeta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="\{\{csp\}\}"\s*\/?>/i;
const base64 = /^[A-Za-z0-9+/]{16,}={0,2}$/;
// A CSP source expression never holds whitespace, quotes, `;` or `,`: any of those could add directives.
/**
 * A webview's `cspSource`: one or more host or scheme sources, or `'self'` (code-server gives
 * `'self' https://*.vscode-cdn.net`, desktop VS Code a single host). Anything else, such as `'unsafe-inline'`,
 * would widen the policy and is refused.
 */
const sourceExpression = /^(?:'self'|[^\s;,'"<>]+)(?: (?:'self'|[^\s;,'"<>]+))*$/;

/** Escapes text for HTML element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Fills a page template's `{{name}}` placeholders: `{{csp}}` (the policy above), `{{cspSource}}`, `{{nonce}}`, and
 * one per entry of `uris`. Every value is HTML-escaped, and replacement is one pass, so a value that itself looks
 * like `{{nonce}}` stays text. Throws on a template without the CSP meta tag, on a placeholder it has no value for,
 * and on a nonce or source that could change the policy: those are bugs to catch in tests, not states to ship.
 */
export function renderWebviewHtml(template: string, values: WebviewHtmlValues): string {
  if (!base64.test(values.nonce)) throw new Error("webview html: the nonce must be base64");
  if (!sourceExpression.test(values.cspSource)) throw new Error("webview html: cspSource is not a list of CSP host sources");
  if (!cspMeta.test(template)) {
    throw new Error('webview html: the template needs <meta http-equiv="Content-Security-Policy" content="{{csp}}">');
  }
  const known: Record<string, string> = {
    ...values.uris,
    csp: contentSecurityPolicy(values.cspSource, values.nonce, values.allow),
    cspSource: values.cspSource,
    nonce: values.nonce,
  };
  return template.replace(placeholder, (_match, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(known, name)) throw new Error(`webview html: no value for {{${name}}}`);
    return escapeHtml(known[name]!);
  });
}

/** The folder every page's assets are bundled into; panels limit `localResourceRoots` to it. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return extensionUri.with({ path: posix.join(extensionUri.path, "dist", "webview") });
}

/**
 * The HTML of page `page` (a folder name in webview/src) for `webview`: its template from dist/webview/<page>.html,
 * its script and stylesheet, the shared theme.css, and the shared chart.css for pages that draw charts.
 */
export async function loadWebviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  page: string,
  /** More of the page's assets by placeholder name (`editorStyleUri: "designSpace.bundle.css"`), and what the policy allows. */
  options: { readonly assets?: Readonly<Record<string, string>>; readonly allow?: CspAllowances } = {},
): Promise<string> {
  if (!/^[a-z][A-Za-z0-9-]*$/.test(page)) throw new Error(`webview html: bad page name ${JSON.stringify(page)}`);
  const root = webviewRoot(extensionUri);
  const asset = (file: string): vscode.Uri => root.with({ path: posix.join(root.path, file) });
  const template = await readFile(asset(`${page}.html`).fsPath, "utf8");
  return renderWebviewHtml(template, {
    cspSource: webview.cspSource,
    nonce: createNonce(),
    uris: {
      scriptUri: webview.asWebviewUri(asset(`${page}.js`)).toString(),
      styleUri: webview.asWebviewUri(asset(`${page}.css`)).toString(),
      themeUri: webview.asWebviewUri(asset("theme.css")).toString(),
      chartStyleUri: webview.asWebviewUri(asset("chart.css")).toString(),
      ...Object.fromEntries(Object.entries(options.assets ?? {}).map(([name, file]) => [name, webview.asWebviewUri(asset(file)).toString()])),
    },
    allow: options.allow,
  });
}
