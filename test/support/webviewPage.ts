// Serves a webview page to headless Chromium as VS Code would: its template rendered with the real strict CSP.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
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

/** What the acquireVsCodeApi stand-in records in the page. */
export interface Recorder {
  posted: { type: string; [key: string]: unknown }[];
  state: unknown;
  violations: { directive: string; blocked: string }[];
  acquired: number;
}
export type TestWindow = Window & { __kl: Recorder; __inlineRan?: boolean };

/**
 * Runs before the page's script, as VS Code's injected API does. A string, not a function: the test runner's
 * TypeScript transform may add helpers to functions that do not exist inside the page.
 */
export function stubScript(saved: unknown): string {
  return `(() => {
    const kl = { posted: [], state: ${JSON.stringify(saved ?? null)}, violations: [], acquired: 0 };
    if (kl.state === null) kl.state = undefined;
    window.__kl = kl;
    window.acquireVsCodeApi = () => {
      if (++kl.acquired > 1) throw new Error("acquireVsCodeApi can only be called once");
      return {
        postMessage: (message) => kl.posted.push(structuredClone(message)),
        getState: () => (kl.state === undefined ? undefined : structuredClone(kl.state)),
        setState: (state) => { kl.state = structuredClone(state); },
      };
    };
    document.addEventListener("securitypolicyviolation", (e) => {
      kl.violations.push({ directive: e.violatedDirective, blocked: e.blockedURI });
    });
  })();`;
}

/** A page opened by openWebviewPage, with what it logged and any request that tried to leave the local server. */
export interface OpenedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly consoleErrors: string[];
  readonly consoleWarnings: string[];
  readonly pageErrors: string[];
  readonly foreignRequests: string[];
}

export interface OpenPageOptions {
  /** The page's saved state (`getState()`), as VS Code restores it. */
  readonly saved?: unknown;
  readonly viewport: { readonly width: number; readonly height: number };
  readonly timezoneId?: string;
  /** Run after loading and before waiting for `ready`: applying a theme, for instance. */
  readonly prepare?: (page: Page) => Promise<void>;
}

/**
 * Opens `<origin>/<file>` in a fresh context with the acquireVsCodeApi stand-in, refuses (and records) every request
 * that is not to `origin`, records console errors and warnings and page errors, and waits for the page's `ready`.
 */
export async function openWebviewPage(browser: Browser, origin: string, file: string, options: OpenPageOptions): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: options.viewport, deviceScaleFactor: 1, ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}) });
  const consoleErrors: string[] = [];
  const consoleWarnings: string[] = [];
  const pageErrors: string[] = [];
  const foreignRequests: string[] = [];
  // Nothing may leave the local server: anything else is recorded and refused.
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) await route.continue();
    else {
      foreignRequests.push(url);
      await route.abort();
    }
  });
  await context.addInitScript({ content: stubScript(options.saved) });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
    if (message.type() === "warning") consoleWarnings.push(message.text());
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${origin}/${file}`);
  await options.prepare?.(page);
  await waitForPosted(page, "ready", 1);
  return { context, page, consoleErrors, consoleWarnings, pageErrors, foreignRequests };
}

/** Waits until the page has posted `count` messages of `type` to the host. */
export async function waitForPosted(page: Page, type: string, count: number): Promise<void> {
  await page.waitForFunction(
    ([t, n]) => (window as unknown as TestWindow).__kl.posted.filter((m) => m.type === t).length >= n,
    [type, count] as const,
  );
}

/** The messages the page posted to the host, all or of one type. */
export async function posted(page: Page, type?: string): Promise<Recorder["posted"]> {
  const all = await page.evaluate(() => (window as unknown as TestWindow).__kl.posted);
  return type === undefined ? all : all.filter((m) => m.type === type);
}
