// Serves a webview page to headless Chromium as VS Code would: its template rendered with the real strict CSP.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createNonce, renderWebviewHtml } from "../../client/src/panels/webviewHtml";
import { findRepoRoot } from "./repoRoot";

const root = findRepoRoot(__dirname);
export const distWebview = join(root, "dist", "webview");

function newestSource(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestSource(join(path, name)));
  return newest;
}

/**
 * Builds when a page's bundle (or another output it needs) is missing or older than the webview sources or the
 * given extra source paths (relative to the repository root), so a test never checks stale code.
 */
export function ensureWebviewBundle(page: string, options: { extraOutputs?: readonly string[]; extraSources?: readonly string[] } = {}): void {
  const bundle = join(distWebview, `${page}.js`);
  const current = (): boolean =>
    existsSync(bundle) &&
    (options.extraOutputs ?? []).every((f) => existsSync(join(distWebview, f))) &&
    statSync(bundle).mtimeMs >= Math.max(newestSource(join(root, "webview", "src")), ...(options.extraSources ?? []).map((p) => newestSource(join(root, p))));
  if (current()) return;
  const result = spawnSync(process.execPath, ["build.mjs"], { cwd: root, encoding: "utf8" });
  if (!current()) throw new Error(`node build.mjs did not produce a current ${bundle} (exit ${result.status}):\n${result.stdout}${result.stderr}`);
}

const assetName = /^\/webview\/([A-Za-z][A-Za-z0-9-]*(?:\.bundle)?\.(js|css|ttf))$/;
const contentTypes: Record<string, string> = { js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8", ttf: "font/ttf", html: "text/html; charset=utf-8" };

export interface WebviewServerOptions {
  /** Extra `{{name}}` URIs of the template, as file names in dist/webview (e.g. `editorStyleUri: "x.bundle.css"`). */
  readonly extraUris?: Readonly<Record<string, string>>;
  readonly allow?: { readonly styleNonce?: boolean };
}

/** Serves the rendered template at /<page>.html and dist/webview assets under /webview/, and nothing else. */
export async function startWebviewServer(page: string, options: WebviewServerOptions = {}): Promise<{ server: Server; origin: string }> {
  const template = readFileSync(join(distWebview, `${page}.html`), "utf8");
  let origin = "";
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const asset = assetName.exec(path);
    let body: string | Buffer | undefined;
    let type = "html";
    if (path === `/${page}.html`) {
      const extra = Object.fromEntries(Object.entries(options.extraUris ?? {}).map(([k, f]) => [k, `${origin}/webview/${f}`]));
      body = renderWebviewHtml(template, {
        cspSource: origin,
        nonce: createNonce(),
        uris: { scriptUri: `${origin}/webview/${page}.js`, styleUri: `${origin}/webview/${page}.css`, themeUri: `${origin}/webview/theme.css`, chartStyleUri: `${origin}/webview/chart.css`, ...extra },
        ...(options.allow ? { allow: options.allow } : {}),
      });
    } else if (asset && existsSync(join(distWebview, asset[1]!))) {
      body = readFileSync(join(distWebview, asset[1]!));
      type = asset[2]!;
    }
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": contentTypes[type]!, "cache-control": "no-store" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, origin };
}
