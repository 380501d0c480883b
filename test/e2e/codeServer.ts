// Installs code-server 4.100.3 (a real VS Code 1.100.3 workbench) into a cache outside the repo, runs isolated instances of it, and drives its workbench through Playwright.
//
// The install follows /work/shared/notes/vscode-e2e.md step by step: it works with no internet beyond the npm registry
// and Debian's packages (ripgrep comes from /usr/bin/rg, native modules are built against the local Node's headers).
//
//   node --import tsx test/e2e/codeServer.ts install    install (or check) the cached code-server and print its path
//
// Cache: `$KERNELLENS_CACHE/code-server-4.100.3`, else `~/.cache/kernellens/code-server-4.100.3`.
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  appendFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { basename, delimiter, dirname, join, resolve } from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { testOutputDir } from "../support/chromium";

export const CODE_SERVER_VERSION = "4.100.3";
const MARKER = ".kernellens-install-complete.json";

// ---------------------------------------------------------------------------------------------------------------------
// Logging and small utilities
// ---------------------------------------------------------------------------------------------------------------------

function log(message: string): void {
  process.stderr.write(`[code-server] ${message}\n`);
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Polls `check` until it returns a value other than undefined/false, or throws `describe()` after `timeoutMs`. */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Install
// ---------------------------------------------------------------------------------------------------------------------

/** Folder that holds the complete install (its `node_modules/code-server` is the server). */
export function codeServerCacheDir(): string {
  const root = process.env.KERNELLENS_CACHE
    ? resolve(process.env.KERNELLENS_CACHE)
    : join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kernellens");
  return join(root, `code-server-${CODE_SERVER_VERSION}`);
}

interface Marker {
  version: string;
  platform: string;
  arch: string;
  /** Native modules are built for one Node ABI: another Node needs another install. */
  nodeModules: string;
  node: string;
  installedAt: string;
  steps: { step: string; seconds: number }[];
}

function readMarker(dir: string): Marker | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, MARKER), "utf8")) as Marker;
  } catch {
    return undefined;
  }
}

function markerFits(marker: Marker | undefined): boolean {
  return (
    !!marker &&
    marker.version === CODE_SERVER_VERSION &&
    marker.platform === process.platform &&
    marker.arch === process.arch &&
    marker.nodeModules === process.versions.modules
  );
}

function codeServerEntry(installDir: string): string {
  return join(installDir, "node_modules", "code-server", "out", "node", "entry.js");
}

/** The prefix of the running node (`/usr` for Debian's), whose `include/node` has the headers node-gyp needs. */
function nodePrefix(): string {
  return dirname(dirname(realpathSync(process.execPath)));
}

/** npm's own copy of node-gyp, next to the npm that runs the installs; else one on PATH. */
function nodeGypCommand(): { cmd: string; args: string[] } {
  const npmCli = findOnPath("npm");
  if (npmCli) {
    const npmRoot = dirname(dirname(realpathSync(npmCli)));
    const gyp = join(npmRoot, "node_modules", "node-gyp", "bin", "node-gyp.js");
    if (existsSync(gyp)) return { cmd: process.execPath, args: [gyp] };
  }
  const onPath = findOnPath("node-gyp");
  if (onPath) return { cmd: onPath, args: [] };
  throw new Error("node-gyp not found: neither npm's bundled copy nor one on PATH");
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

class StepFailed extends Error {}

interface StepRunner {
  (step: string, work: () => Promise<void> | void): Promise<void>;
  timings: { step: string; seconds: number }[];
}

function stepRunner(): StepRunner {
  const timings: { step: string; seconds: number }[] = [];
  const run = (async (step: string, work: () => Promise<void> | void) => {
    const started = Date.now();
    log(`install: ${step} ...`);
    try {
      await work();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new StepFailed(`code-server ${CODE_SERVER_VERSION} install failed at step "${step}" after ${seconds(started)}: ${why}`);
    }
    timings.push({ step, seconds: Math.round((Date.now() - started) / 100) / 10 });
    log(`install: ${step}: done in ${seconds(started)}`);
  }) as StepRunner;
  run.timings = timings;
  return run;
}

/** Runs one command of the install, its output appended to `logFile`; rejects with the tail of that output. */
function exec(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  appendFileSync(logFile, `\n$ (cd ${cwd} && ${cmd} ${args.join(" ")})\n`);
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const take = (chunk: Buffer) => {
      appendFileSync(logFile, chunk);
      tail = (tail + chunk.toString()).slice(-3000);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", (err) => fail(new Error(`${cmd} could not start: ${err.message}`)));
    child.on("close", (code, signal) => {
      if (code === 0) done();
      else fail(new Error(`\`${cmd} ${args.join(" ")}\` in ${cwd} exited with ${code ?? signal}; full log: ${logFile}\n${tail.trimEnd()}`));
    });
  });
}

function installEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // node-gyp must build against the local headers: it cannot download them here.
  env.npm_config_nodedir = nodePrefix();
  env.npm_config_audit = "false";
  env.npm_config_fund = "false";
  env.npm_config_update_notifier = "false";
  env.npm_config_progress = "false";
  // Whatever npm lifecycle started this process must not leak its package's settings into these installs.
  for (const key of Object.keys(env)) {
    if (key.startsWith("npm_package_") || key === "npm_lifecycle_event" || key === "npm_lifecycle_script") delete env[key];
  }
  delete env.NODE_OPTIONS;
  return env;
}

/** Makes `link` a symlink to `target` (relative targets are taken from the link's folder), replacing what was there. */
function forceSymlink(target: string, link: string): void {
  rmSync(link, { force: true, recursive: true });
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(target, link);
}

async function installInto(dir: string, logFile: string): Promise<Marker> {
  const step = stepRunner();
  const env = installEnv();
  const npm = findOnPath("npm");
  if (!npm) throw new StepFailed("code-server install failed at step \"find npm\": npm is not on PATH");
  const codeServer = join(dir, "node_modules", "code-server");
  const vscode = join(codeServer, "lib", "vscode");

  await step("check prerequisites", () => {
    const headers = join(nodePrefix(), "include", "node", "node.h");
    if (!existsSync(headers)) {
      throw new Error(`Node headers not found at ${headers} (Debian: apt-get install nodejs with its headers, or set up a Node with include/node)`);
    }
    if (!findOnPath("rg")) throw new Error("ripgrep (rg) not on PATH (Debian: apt-get install ripgrep)");
    if (!findOnPath("make") || !(findOnPath("g++") || findOnPath("c++"))) {
      throw new Error("a C++ toolchain is needed for the native modules (Debian: apt-get install build-essential python3 pkg-config libkrb5-dev)");
    }
    if (!findOnPath("python3")) throw new Error("python3 not on PATH (Debian: apt-get install python3)");
  });

  await step(`npm install --ignore-scripts code-server@${CODE_SERVER_VERSION}`, async () => {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "kernellens-code-server-cache", private: true }, null, 2));
    // Its own postinstall downloads ripgrep from GitHub, which fails offline: scripts off, the steps below instead.
    await exec(npm, ["install", "--ignore-scripts", "--no-save", "--no-package-lock", `code-server@${CODE_SERVER_VERSION}`], dir, env, logFile);
    if (!existsSync(codeServerEntry(dir))) throw new Error(`${codeServerEntry(dir)} missing after npm install`);
  });

  await step("npm rebuild argon2", () => exec(npm, ["rebuild", "argon2"], dir, env, logFile));

  await step("lib/vscode: npm install --omit=dev --ignore-scripts", () =>
    exec(npm, ["install", "--omit=dev", "--ignore-scripts"], vscode, env, logFile),
  );

  await step("lib/vscode: npm rebuild kerberos native-watchdog @vscode/spdlog @vscode/deviceid", () =>
    exec(npm, ["rebuild", "kerberos", "native-watchdog", "@vscode/spdlog", "@vscode/deviceid"], vscode, env, logFile),
  );

  await step("lib/vscode: build node-pty with node-gyp", async () => {
    // Its postinstall calls npx and fails offline: build it directly against the local Node's headers.
    const gyp = nodeGypCommand();
    await exec(gyp.cmd, [...gyp.args, "rebuild", `--nodedir=${nodePrefix()}`], join(vscode, "node_modules", "node-pty"), env, logFile);
  });

  await step("lib/vscode: link ripgrep to /usr/bin/rg", () => {
    const rg = realpathSync(findOnPath("rg")!);
    forceSymlink(rg, join(vscode, "node_modules", "@vscode", "ripgrep", "bin", "rg"));
  });

  await step("links code-server's postinstall.sh would make", () => {
    for (const target of ["node_modules", "bin/remote-cli/code-linux.sh", "bin/helpers/browser-linux.sh"]) {
      if (!existsSync(join(vscode, target))) throw new Error(`${join(vscode, target)} missing: nothing to link to`);
    }
    forceSymlink("node_modules", join(vscode, "node_modules.asar"));
    forceSymlink("code-linux.sh", join(vscode, "bin", "remote-cli", "code-server"));
    forceSymlink("browser-linux.sh", join(vscode, "bin", "helpers", "browser.sh"));
  });

  await step("lib/vscode/extensions: npm install --omit=dev", () =>
    exec(npm, ["install", "--omit=dev"], join(vscode, "extensions"), env, logFile),
  );

  await step("smoke test: code-server --version", async () => {
    const result = spawnSync(process.execPath, [codeServerEntry(dir), "--version"], { env: serverEnv({}), encoding: "utf8", timeout: 60_000 });
    appendFileSync(logFile, `\n$ code-server --version\n${result.stdout}${result.stderr}`);
    if (result.status !== 0 || !result.stdout.includes(CODE_SERVER_VERSION)) {
      throw new Error(`\`code-server --version\` exited with ${result.status ?? result.signal}: ${(result.stdout + result.stderr).trim().slice(-2000)}`);
    }
  });

  return {
    version: CODE_SERVER_VERSION,
    platform: process.platform,
    arch: process.arch,
    nodeModules: process.versions.modules,
    node: process.versions.node,
    installedAt: new Date().toISOString(),
    steps: step.timings,
  };
}

/** Takes the install lock (a folder holding the owner's pid); waits for a live owner, breaks a dead one's lock. */
async function withInstallLock<T>(lockDir: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30 * 60_000;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, "pid"), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number(readFileSafe(join(lockDir, "pid")));
      if (owner && !isAlive(owner)) {
        log(`install: breaking the stale lock of dead process ${owner}`);
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`code-server install: gave up waiting for the install lock ${lockDir} (held by ${owner || "?"})`);
      if (!announced) log(`install: another process (${owner || "?"}) is installing; waiting for it`);
      announced = true;
      await sleep(1000);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/**
 * Makes sure the cached code-server is complete and fits this Node; installs it if not. Returns the install folder.
 * Idempotent and atomic: the install happens in a temporary sibling folder that is renamed into place only once every
 * step passed and the marker file is written, so an interrupted install leaves nothing that looks complete.
 */
export async function ensureCodeServer(): Promise<string> {
  const dir = codeServerCacheDir();
  if (markerFits(readMarker(dir))) return dir;
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  return withInstallLock(`${dir}.lock`, async () => {
    if (markerFits(readMarker(dir))) return dir; // someone else finished while we waited
    // Leftovers of interrupted installs.
    for (const name of readdirSync(parent)) {
      if (name.startsWith(`${basename(dir)}.tmp-`) || name.startsWith(`${basename(dir)}.old-`)) {
        rmSync(join(parent, name), { recursive: true, force: true });
      }
    }
    const started = Date.now();
    const existing = readMarker(dir);
    log(
      existing
        ? `install: ${dir} was made for another Node (ABI ${existing.nodeModules}, this is ${process.versions.modules}): reinstalling`
        : `install: code-server ${CODE_SERVER_VERSION} into ${dir} (first run only; about a minute)`,
    );
    const temp = mkdtempSync(`${dir}.tmp-`);
    chmodSync(temp, 0o755); // mkdtemp makes it private; the install is as readable as any npm install
    const logFile = join(parent, `code-server-${CODE_SERVER_VERSION}-install.log`);
    writeFileSync(logFile, `code-server ${CODE_SERVER_VERSION} install into ${temp} at ${new Date().toISOString()}\n`);
    try {
      const marker = await installInto(temp, logFile);
      writeFileSync(join(temp, MARKER), JSON.stringify(marker, null, 2));
      if (existsSync(dir)) {
        const old = `${dir}.old-${process.pid}`;
        renameSync(dir, old);
        renameSync(temp, dir);
        rmSync(old, { recursive: true, force: true });
      } else {
        renameSync(temp, dir);
      }
      log(`install: complete in ${seconds(started)}: ${marker.steps.map((s) => `${s.step} ${s.seconds} s`).join("; ")}`);
      return dir;
    } catch (err) {
      rmSync(temp, { recursive: true, force: true });
      throw err;
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Running an isolated instance
// ---------------------------------------------------------------------------------------------------------------------

export interface CodeServerOptions {
  /** Folder opened as the workspace. */
  workspace: string;
  /** Folder of the extension under test (its package.json gives publisher, name and version). */
  extensionPath: string;
  /** User settings merged over the defaults that keep the workbench quiet and offline. */
  settings?: Record<string, unknown>;
}

export interface CodeServer {
  url: string;
  port: number;
  /** The instance's temporary folder (user data, extensions, XDG folders, server log). */
  home: string;
  /** Kills the whole process group and copies the logs to test-output/e2e/logs; safe to call twice. */
  stop(): Promise<void>;
}

const defaultSettings: Record<string, unknown> = {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "chat.disableAIFeatures": true,
  "git.enabled": false,
  "files.autoSave": "off",
};

/** Environment for code-server: the test's own, less what would tie it to another VS Code or Node setup. */
function serverEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith("VSCODE_") || key.startsWith("ELECTRON_") || key === "NODE_OPTIONS") delete env[key];
  }
  return { ...env, EXTENSIONS_GALLERY: "{}", ...extra };
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? done(port) : fail(new Error("no free port"))));
    });
  });
}

/** `<publisher>.<name>-<version>` from the extension's package.json: the folder name VS Code expects. */
export function extensionFolderName(extensionPath: string): string {
  const manifest = JSON.parse(readFileSync(join(extensionPath, "package.json"), "utf8")) as { publisher?: string; name?: string; version?: string };
  if (!manifest.publisher || !manifest.name || !manifest.version) {
    throw new Error(`${extensionPath}/package.json needs publisher, name and version`);
  }
  return `${manifest.publisher}.${manifest.name}-${manifest.version}`;
}

const runningGroups = new Set<number>();
process.on("exit", () => {
  // Last resort when a test dies without calling stop(): no orphaned servers or file watchers.
  for (const pid of runningGroups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const installDir = await ensureCodeServer();
  const folderName = extensionFolderName(options.extensionPath); // before any temp folder: it throws on a bad manifest
  const home = mkdtempSync(join(tmpdir(), "kernellens-e2e-"));
  const dirs = {
    userData: join(home, "user-data"),
    extensions: join(home, "extensions"),
    config: join(home, "xdg-config"),
    data: join(home, "xdg-data"),
    cache: join(home, "xdg-cache"),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  symlinkSync(resolve(options.extensionPath), join(dirs.extensions, folderName));
  mkdirSync(join(dirs.userData, "User"), { recursive: true });
  writeFileSync(join(dirs.userData, "User", "settings.json"), JSON.stringify({ ...defaultSettings, ...options.settings }, null, 2));

  const port = await freePort();
  const logFile = join(home, "code-server.log");
  const out = openSync(logFile, "a");
  const args = [
    codeServerEntry(installDir),
    "--auth", "none",
    "--bind-addr", `127.0.0.1:${port}`,
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    "--disable-getting-started-override",
    "--user-data-dir", dirs.userData,
    "--extensions-dir", dirs.extensions,
    resolve(options.workspace),
  ];
  const started = Date.now();
  // detached: the child calls setsid(), so it leads a new process group that stop() can kill whole.
  const child = spawn(process.execPath, args, {
    cwd: home,
    detached: true,
    stdio: ["ignore", out, out],
    env: serverEnv({ XDG_CONFIG_HOME: dirs.config, XDG_DATA_HOME: dirs.data, XDG_CACHE_HOME: dirs.cache }),
  });
  closeSync(out);
  const pid = child.pid;
  if (!pid) throw new Error(`code-server did not start; see ${logFile}`);
  runningGroups.add(pid);
  let exited: string | undefined;
  child.on("exit", (code, signal) => (exited = `exited with ${code ?? signal}`));
  child.unref();

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      // already gone
    }
    const deadline = Date.now() + 5000;
    while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
    if (groupAlive(pid)) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    runningGroups.delete(pid);
    try {
      const logs = testOutputDir("e2e", "logs", `code-server-${port}`);
      rmSync(logs, { recursive: true, force: true });
      mkdirSync(logs, { recursive: true });
      cpSync(logFile, join(logs, "code-server.log"));
      if (existsSync(join(dirs.userData, "logs"))) cpSync(join(dirs.userData, "logs"), join(logs, "vscode"), { recursive: true });
    } catch (err) {
      log(`could not copy logs: ${(err as Error).message}`);
    }
    if (!process.env.KERNELLENS_KEEP_E2E) rmSync(home, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    await pollUntil(
      "code-server's /healthz",
      async () => {
        if (exited) throw new Error(`code-server ${exited}:\n${readFileSafe(logFile).slice(-3000)}`);
        const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
        return response?.ok === true;
      },
      60_000,
      100,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n--- ${logFile}:\n${readFileSafe(logFile).slice(-3000)}`);
    });
  } catch (err) {
    await stop();
    throw err;
  }
  log(`server up on ${url} in ${seconds(started)} (pid ${pid}, home ${home})`);
  return { url, port, home, stop };
}

// ---------------------------------------------------------------------------------------------------------------------
// Driving the workbench
// ---------------------------------------------------------------------------------------------------------------------

export interface Workbench {
  page: Page;
  context: BrowserContext;
  /** Page console errors and uncaught exceptions seen so far, for failure messages. */
  consoleErrors: string[];
}

const pageContexts = new WeakMap<Page, Workbench>();

/** Opens the workbench for `workspace` in a new browser context; resolves once its editor area and status bar exist. */
export async function openWorkbench(browser: Browser, url: string, workspace: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (err) => consoleErrors.push(`pageerror: ${err.message}`));
  // tsx compiles this file with esbuild's keepNames, which wraps named functions inside page.evaluate callbacks in a
  // `__name(fn, "name")` call that does not exist in the page: give the page a no-op one.
  await context.addInitScript("globalThis.__name = globalThis.__name || ((fn) => fn);");
  pageContexts.set(page, { page, context, consoleErrors });
  const started = Date.now();
  await page.goto(`${url}/?folder=${encodeURIComponent(resolve(workspace))}`, { waitUntil: "domcontentloaded", timeout: 60_000 });
  await page.locator(".monaco-workbench .part.editor").first().waitFor({ state: "visible", timeout: 60_000 });
  await page.locator(".monaco-workbench .part.statusbar").first().waitFor({ state: "visible", timeout: 60_000 });
  // The workspace is open once the window title names its folder.
  const folder = basename(resolve(workspace));
  await pollUntil(`the workbench to open ${folder}`, async () => (await page.title()).includes(folder), 60_000);
  log(`workbench ready in ${seconds(started)}`);
  return page;
}

/** Page console errors collected since `openWorkbench`. */
export function workbenchConsoleErrors(page: Page): string[] {
  return pageContexts.get(page)?.consoleErrors ?? [];
}

/** Closes the page's browser context (the page and its extension host connection). */
export async function closeWorkbench(page: Page): Promise<void> {
  await pageContexts.get(page)?.context.close();
}

const quickInput = (page: Page) => page.locator(".quick-input-widget");
const quickInputRows = (page: Page) => page.locator(".quick-input-widget .quick-input-list .monaco-list-row");

async function openQuickInput(page: Page, key: string): Promise<Locator> {
  const input = page.locator(".quick-input-widget input");
  await page.keyboard.press(key);
  await input.waitFor({ state: "visible", timeout: 10_000 });
  return input;
}

async function closeQuickInput(page: Page): Promise<void> {
  if (await quickInput(page).isVisible()) {
    await page.keyboard.press("Escape");
    await quickInput(page).waitFor({ state: "hidden", timeout: 10_000 });
  }
}

/** Waits for a quick input row whose label matches, then picks it. */
async function pickRow(page: Page, matches: (label: string) => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  let labels: string[] = [];
  const label = await pollUntil(
    what,
    async () => {
      labels = await quickInputRows(page).evaluateAll((rows) => rows.map((r) => r.getAttribute("aria-label") ?? ""));
      return labels.find(matches);
    },
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; listed: ${JSON.stringify(labels)}`);
  });
  // Click the row by its label, not its index: the list may re-render between reading and clicking.
  const quoted = label.replace(/["\\]/g, "\\$&");
  await page.locator(`.quick-input-widget .quick-input-list .monaco-list-row[aria-label="${quoted}"]`).first().click();
}

/** Opens `relPath` (relative to the workspace) through Ctrl+P quick open; resolves when its editor is active. */
export async function openFile(page: Page, relPath: string): Promise<void> {
  const name = basename(relPath);
  const folder = dirname(relPath) === "." ? "" : dirname(relPath);
  const input = await openQuickInput(page, "Control+P");
  await input.fill(relPath);
  // File search runs ripgrep: wait for the file's own row rather than pressing Enter on whatever shows first. Its label
  // is "<name>, file results" for a file at the workspace root, "<name> <folder>, file results" for one below it.
  const prefix = folder ? `${name} ${folder},` : `${name},`;
  await pickRow(page, (label) => label.startsWith(prefix), `quick open to list ${relPath}`);
  await quickInput(page).waitFor({ state: "hidden", timeout: 10_000 });
  await page.locator(`.part.editor .tab.active[aria-label*="${name}"]`).first().waitFor({ state: "visible", timeout: 20_000 });
  await page.locator(".part.editor .monaco-editor .view-lines .view-line").first().waitFor({ state: "visible", timeout: 20_000 });
}

/** Text of the active editor's language status item (e.g. "WGSL"). */
export async function languageStatus(page: Page): Promise<string> {
  return (await page.locator("#status\\.editor\\.mode").first().innerText()).trim();
}

/**
 * The class names of the active editor's token spans whose text (trimmed) is exactly `text`, e.g. ["mtk8"] for a
 * keyword. Without a grammar every token is `mtk1` (the default foreground); a tokenized file has others.
 */
export async function tokenClasses(page: Page, text: string): Promise<string[]> {
  return page.evaluate((wanted) => {
    const editor = document.querySelector(".part.editor .editor-group-container.active .monaco-editor") ?? document.querySelector(".part.editor .monaco-editor");
    if (!editor) return [];
    return [...editor.querySelectorAll(".view-lines .view-line span span")]
      .filter((el) => (el.textContent ?? "").replace(/\u00a0/g, " ").trim() === wanted)
      .map((el) => el.className);
  }, text);
}

/** Whether the active editor's tab shows unsaved changes. */
export async function activeTabDirty(page: Page): Promise<boolean> {
  return (await page.locator(".part.editor .tab.active.dirty").count()) > 0;
}

export type SquiggleKind = "error" | "warning" | "info" | "hint";

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The 1-based line numbers of the visible lines of the active editor that carry a squiggle of `kind`, each with the box
 * of its first squiggle. Lines are told apart by the gutter's line numbers at the same height, so scrolling is harmless.
 */
export async function squiggles(page: Page, kind: SquiggleKind): Promise<Map<number, Box>> {
  const found = await page.evaluate((cls) => {
    const editor = document.querySelector(".part.editor .editor-group-container.active .monaco-editor") ?? document.querySelector(".part.editor .monaco-editor");
    if (!editor) return [];
    const numbers = [...editor.querySelectorAll(".margin-view-overlays .line-numbers")].map((el) => {
      const r = el.getBoundingClientRect();
      return { line: Number(el.textContent?.trim()), top: r.top, bottom: r.bottom };
    });
    const result: [number, { x: number; y: number; width: number; height: number }][] = [];
    for (const el of editor.querySelectorAll(`.view-overlays .${cls}`)) {
      const r = el.getBoundingClientRect();
      const middle = r.top + r.height / 2;
      const row = numbers.find((n) => middle >= n.top && middle < n.bottom);
      if (row && Number.isFinite(row.line) && !result.some(([line]) => line === row.line)) {
        result.push([row.line, { x: r.left, y: r.top, width: r.width, height: r.height }]);
      }
    }
    return result;
  }, `squiggly-${kind}`);
  return new Map(found);
}

/** Resolves with the squiggle's box once a squiggle of `kind` is on 1-based `line` of the active editor. */
export async function waitForSquiggle(page: Page, kind: SquiggleKind, line: number, timeoutMs = 30_000): Promise<Box> {
  return pollUntil(`a squiggly-${kind} on line ${line}`, async () => (await squiggles(page, kind)).get(line), timeoutMs);
}

/** Resolves once no squiggle of `kind` is on `line` (or, without a line, anywhere in the visible part of the editor). */
export async function waitForNoSquiggle(page: Page, kind: SquiggleKind, line?: number, timeoutMs = 30_000): Promise<void> {
  await pollUntil(
    line === undefined ? `every squiggly-${kind} to clear` : `the squiggly-${kind} on line ${line} to clear`,
    async () => {
      const lines = await squiggles(page, kind);
      return line === undefined ? lines.size === 0 : !lines.has(line);
    },
    timeoutMs,
  );
}

/** Visible text of the active editor's lines, keyed by 1-based line number. */
export async function visibleLines(page: Page): Promise<Map<number, string>> {
  const rows = await page.evaluate(() => {
    const editor = document.querySelector(".part.editor .editor-group-container.active .monaco-editor") ?? document.querySelector(".part.editor .monaco-editor");
    if (!editor) return [];
    const numbers = [...editor.querySelectorAll(".margin-view-overlays .line-numbers")].map((el) => {
      const r = el.getBoundingClientRect();
      return { line: Number(el.textContent?.trim()), middle: r.top + r.height / 2 };
    });
    return [...editor.querySelectorAll(".view-lines .view-line")].flatMap((el) => {
      const r = el.getBoundingClientRect();
      const row = numbers.find((n) => n.middle >= r.top && n.middle < r.bottom);
      return row ? [[row.line, (el.textContent ?? "").replace(/\u00a0/g, " ")] as [number, string]] : [];
    });
  });
  return new Map(rows);
}

/** Where `text` is drawn in the active editor (its `occurrence`-th match, optionally only on 1-based `line`). */
async function textBox(page: Page, text: string, line?: number, occurrence = 0): Promise<Box | undefined> {
  return page.evaluate(
    ({ text, line, occurrence }) => {
      const editor = document.querySelector(".part.editor .editor-group-container.active .monaco-editor") ?? document.querySelector(".part.editor .monaco-editor");
      if (!editor) return undefined;
      const numbers = [...editor.querySelectorAll(".margin-view-overlays .line-numbers")].map((el) => {
        const r = el.getBoundingClientRect();
        return { line: Number(el.textContent?.trim()), middle: r.top + r.height / 2 };
      });
      const lines = [...editor.querySelectorAll<HTMLElement>(".view-lines .view-line")]
        .map((el) => {
          const r = el.getBoundingClientRect();
          return { el, top: r.top, line: numbers.find((n) => n.middle >= r.top && n.middle < r.bottom)?.line };
        })
        .filter((l) => line === undefined || l.line === line)
        .sort((a, b) => a.top - b.top);
      let seen = 0;
      for (const { el } of lines) {
        // Collect the line's text nodes so a match can span token spans.
        const nodes: Text[] = [];
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n as Text);
        const full = nodes.map((n) => n.data).join("").replace(/\u00a0/g, " ");
        // Whole-word matches only when the text is a word, so "min" does not match inside "admin".
        const isWord = /^\w+$/.test(text);
        let from = 0;
        for (;;) {
          const at = full.indexOf(text, from);
          if (at < 0) break;
          from = at + 1;
          if (isWord && (/\w/.test(full[at - 1] ?? "") || /\w/.test(full[at + text.length] ?? ""))) continue;
          if (seen++ < occurrence) continue;
          const locate = (offset: number): [Text, number] => {
            let rest = offset;
            for (const n of nodes) {
              if (rest <= n.data.length) return [n, rest];
              rest -= n.data.length;
            }
            const last = nodes[nodes.length - 1]!;
            return [last, last.data.length];
          };
          const range = document.createRange();
          range.setStart(...locate(at));
          range.setEnd(...locate(at + text.length));
          const r = range.getBoundingClientRect();
          return { x: r.left, y: r.top, width: r.width, height: r.height };
        }
      }
      return undefined;
    },
    { text, line, occurrence },
  );
}

export interface HoverOptions {
  /** Only look for the text on this 1-based line. */
  line?: number;
  /** Which match (0-based) to hover when the text occurs more than once. */
  occurrence?: number;
  /** Wait until the hover's text contains this (hovers fill in as providers answer). */
  expect?: string | RegExp;
  timeoutMs?: number;
}

const visibleHover = (page: Page) => page.locator(".monaco-hover").filter({ visible: true });

/** Text of the visible editor hover(s), or "" when none is shown. */
export async function hoverText(page: Page): Promise<string> {
  const texts = await visibleHover(page).allInnerTexts();
  return texts.join("\n").trim();
}

/** Moves the mouse over `text` in the active editor and returns the text of the `.monaco-hover` that appears. */
export async function hoverAt(page: Page, text: string, options: HoverOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const box = await pollUntil(
    `"${text}" to be drawn in the editor${options.line ? ` on line ${options.line}` : ""}`,
    () => textBox(page, text, options.line, options.occurrence ?? 0),
    10_000,
  );
  return hoverAtPoint(page, box.x + box.width / 2, box.y + box.height / 2, { ...options, timeoutMs }, `"${text}"`);
}

/** Moves the mouse to a point (e.g. the middle of a squiggle's box) and returns the text of the hover that appears. */
export async function hoverAtPoint(page: Page, x: number, y: number, options: HoverOptions = {}, what = `(${Math.round(x)}, ${Math.round(y)})`): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  // Leave first: a hover only starts when the mouse arrives, and any earlier hover must go away.
  await page.mouse.move(1, 1);
  await pollUntil("earlier hovers to close", async () => (await hoverText(page)) === "", 5_000).catch(async () => {
    await page.keyboard.press("Escape");
  });
  await page.mouse.move(x - 2, y);
  await page.mouse.move(x, y, { steps: 3 });
  let stableSince = 0;
  let previous = "";
  return pollUntil(
    options.expect ? `a hover over ${what} containing ${String(options.expect)}` : `a hover over ${what}`,
    async () => {
      const current = await hoverText(page);
      if (options.expect !== undefined) {
        previous = current;
        const ok = typeof options.expect === "string" ? current.includes(options.expect) : options.expect.test(current);
        return ok ? current : undefined;
      }
      // Without an expectation: the first non-empty text that stayed the same for 500 ms and is no longer loading.
      if (current === "" || /Loading\.\.\.|Loading…/.test(current) || current !== previous) {
        previous = current;
        stableSince = Date.now();
        return undefined;
      }
      return Date.now() - stableSince >= 500 ? current : undefined;
    },
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last hover text: ${JSON.stringify(previous)}`);
  });
}

/** Runs a command through the F1 command palette by its title as shown there (e.g. "KernelLens: Show Output"). */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = await openQuickInput(page, "F1");
  await input.fill(`>${title}`);
  await pickRow(page, (label) => label === title || label.startsWith(`${title},`) || label.startsWith(`${title} `), `the command palette to list "${title}"`);
  await quickInput(page).waitFor({ state: "hidden", timeout: 10_000 });
}

export interface SymbolsOptions {
  /** Wait until a label contains this name. */
  expect?: string;
  timeoutMs?: number;
  /** Leave the list open (e.g. for a screenshot); Escape closes it. */
  keepOpen?: boolean;
}

/** Labels listed by quick open's `@` (the active editor's document symbols); closes the list again unless asked not to. */
export async function documentSymbols(page: Page, options: SymbolsOptions = {}): Promise<string[]> {
  const input = await openQuickInput(page, "Control+P");
  await input.fill("@");
  let labels: string[] = [];
  try {
    return await pollUntil(
      options.expect ? `quick open @ to list ${options.expect}` : "quick open @ to list symbols",
      async () => {
        labels = await quickInputRows(page).evaluateAll((rows) => rows.map((r) => r.getAttribute("aria-label") ?? r.textContent ?? ""));
        if (labels.length === 0) return undefined;
        if (options.expect && !labels.some((l) => l.includes(options.expect!))) return undefined;
        return labels;
      },
      options.timeoutMs ?? 20_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; listed: ${JSON.stringify(labels)}`);
    });
  } finally {
    if (!options.keepOpen) await closeQuickInput(page);
  }
}

/** Goes to a 1-based line (and column) of the active editor through Ctrl+G. */
export async function goToLine(page: Page, line: number, column?: number): Promise<void> {
  const input = await openQuickInput(page, "Control+G");
  await input.fill(column ? `:${line}:${column}` : `:${line}`);
  await page.keyboard.press("Enter");
  await quickInput(page).waitFor({ state: "hidden", timeout: 10_000 });
  // Keys typed next must reach the editor: wait until it has taken the focus back from the quick input.
  await page.locator(".monaco-editor.focused").first().waitFor({ state: "attached", timeout: 10_000 });
}

/** Saves a full-page screenshot as test-output/e2e/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = testOutputDir("e2e");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name.replace(/[^\w.-]+/g, "-")}.png`);
  // Finished animations: a hover caught mid fade-in would look half transparent.
  await page.screenshot({ path, animations: "disabled" });
  return path;
}

// `node --import tsx test/e2e/codeServer.ts install`: warm the cache ahead of a test run.
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname) && process.argv[2] === "install") {
  ensureCodeServer().then(
    (dir) => console.log(dir),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
