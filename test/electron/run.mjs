// Runs the end-to-end scenarios (suite.cjs) in a desktop VS Code through @vscode/test-electron; skips with exit 0 where no VS Code binary is found or downloadable.
//
//   npm run test:electron                       (builds dist/ first)
//   VSCODE_EXECUTABLE=/usr/share/code/code npm run test:electron
//
// Which VS Code: $VSCODE_EXECUTABLE (must exist), else the desktop VS Code behind `code` on PATH (code-server's `code`
// does not count), else a download of $VSCODE_VERSION (default 1.100.3, the oldest the extension supports) into
// $KERNELLENS_CACHE/vscode-test (default ~/.cache/kernellens/vscode-test), given up after a short timeout.
//
// A runner inside the extension host exits 0 even when a test throws, so suite.cjs writes a result file and this
// script decides pass or fail from it (and from VS Code's exit code).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, realpathSync, rmSync, statSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";

const root = resolve(new URL("../..", import.meta.url).pathname);
const SKIP = "skipped: no VS Code binary found or downloadable (set VSCODE_EXECUTABLE=/path/to/code, the Electron binary of a desktop VS Code)";
const DOWNLOAD_IDLE_TIMEOUT_MS = 15_000;
const DOWNLOAD_TOTAL_TIMEOUT_MS = 10 * 60_000;

function log(message) {
  console.log(`[test:electron] ${message}`);
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const path = dir && join(dir, name);
    if (path && existsSync(path)) return path;
  }
  return undefined;
}

/** A native executable (ELF, Mach-O or PE), not a shell script such as VS Code's CLI wrapper or code-server's. */
function isNativeBinary(path) {
  try {
    if (!statSync(path).isFile()) return false;
    const fd = openSync(path, "r");
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    closeSync(fd);
    const magic = head.readUInt32BE(0);
    return (
      head.toString("latin1", 0, 4) === "\x7fELF" ||
      [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic) ||
      head.toString("latin1", 0, 2) === "MZ"
    );
  } catch {
    return false;
  }
}

/** Whether `exe` is the Electron binary of a desktop VS Code: a native binary with the app's product.json beside it. */
function isDesktopVSCode(exe) {
  if (!isNativeBinary(exe)) return false;
  const dir = dirname(exe);
  const products = [
    join(dir, "resources", "app", "product.json"), // Linux, Windows
    join(dir, "..", "Resources", "app", "product.json"), // macOS: Contents/MacOS/<exe>
  ];
  return products.some((p) => existsSync(p));
}

/** The Electron binary behind a `code` CLI on PATH (`.../bin/code` is a script next to the app), if it is a desktop VS Code. */
function vscodeFromPath() {
  for (const name of ["code", "code-insiders"]) {
    const cli = findOnPath(name);
    if (!cli) continue;
    const real = realpathSync(cli);
    if (/code-server/.test(real) || /remote-cli/.test(real)) continue;
    if (isDesktopVSCode(real)) return real;
    const appDir = dirname(dirname(real)); // Linux: /usr/share/code/bin/code -> /usr/share/code
    const candidates = [
      join(appDir, name), // Linux
      join(appDir, "Code.exe"), // Windows
      join(appDir, "..", "..", "MacOS", "Electron"), // macOS: Contents/Resources/app/bin/code
      join(appDir, "..", "..", "MacOS", "Code"),
    ];
    const found = candidates.find((c) => isDesktopVSCode(c));
    if (found) return found;
  }
  return undefined;
}

function cacheRoot() {
  return process.env.KERNELLENS_CACHE
    ? resolve(process.env.KERNELLENS_CACHE)
    : join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kernellens");
}

async function downloadVSCode(testElectron) {
  const version = process.env.VSCODE_VERSION || "1.100.3";
  const cachePath = join(cacheRoot(), "vscode-test");
  mkdirSync(cachePath, { recursive: true });
  log(`no VS Code binary given or on PATH: trying to download VS Code ${version} into ${cachePath}`);
  let timer;
  const deadline = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`download took longer than ${DOWNLOAD_TOTAL_TIMEOUT_MS / 1000} s`)), DOWNLOAD_TOTAL_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      testElectron.downloadAndUnzipVSCode({ version, cachePath, timeout: DOWNLOAD_IDLE_TIMEOUT_MS, reporter: silentReporter(testElectron) }),
      deadline,
    ]);
  } catch (err) {
    log(`download failed: ${err instanceof Error ? err.message.split("\n")[0] : err}`);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

function silentReporter(testElectron) {
  return testElectron.SilentReporter ? new testElectron.SilentReporter() : undefined;
}

/** Where to run VS Code: its executable, or undefined when there is none to be had. */
async function findVSCode(testElectron) {
  const fromEnv = process.env.VSCODE_EXECUTABLE;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`VSCODE_EXECUTABLE=${fromEnv} does not exist`);
    log(`VS Code from VSCODE_EXECUTABLE: ${fromEnv}`);
    return fromEnv;
  }
  const onPath = vscodeFromPath();
  if (onPath) {
    log(`VS Code from PATH: ${onPath}`);
    return onPath;
  }
  return downloadVSCode(testElectron);
}

function readResult(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

async function main() {
  let testElectron;
  try {
    testElectron = await import("@vscode/test-electron");
  } catch (err) {
    log(`${SKIP}\n  (@vscode/test-electron could not be loaded: ${err instanceof Error ? err.message : err}; run npm install)`);
    return 0;
  }
  const executable = await findVSCode(testElectron);
  if (!executable) {
    log(SKIP);
    return 0;
  }

  // Electron needs a display on Linux: use xvfb-run when there is none.
  if (process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && !process.env.KERNELLENS_UNDER_XVFB) {
    const xvfb = findOnPath("xvfb-run");
    if (!xvfb) {
      log("skipped: VS Code was found but there is no display (set DISPLAY, or install xvfb: apt-get install xvfb)");
      return 0;
    }
    log("no display: re-running under xvfb-run");
    const rerun = spawnSync(xvfb, ["-a", process.execPath, ...process.argv.slice(1)], {
      stdio: "inherit",
      env: { ...process.env, KERNELLENS_UNDER_XVFB: "1", VSCODE_EXECUTABLE: executable },
    });
    return rerun.status ?? 1;
  }

  log("building dist/ (node build.mjs)");
  const build = spawnSync(process.execPath, [join(root, "build.mjs")], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) throw new Error("node build.mjs failed");
  if (!existsSync(join(root, "dist", "client.js"))) throw new Error("dist/client.js missing after node build.mjs");

  const home = mkdtempSync(join(tmpdir(), "kernellens-electron-"));
  const workspace = join(home, "workspace");
  const resultFile = join(home, "result.json");
  cpSync(join(root, "examples"), workspace, { recursive: true });
  const started = Date.now();
  let exitCode;
  try {
    try {
      exitCode = await testElectron.runTests({
        vscodeExecutablePath: executable,
        extensionDevelopmentPath: root,
        extensionTestsPath: join(root, "test", "electron", "suite.cjs"),
        extensionTestsEnv: { KERNELLENS_E2E_RESULT: resultFile, KERNELLENS_E2E_EXAMPLE: "saxpy.wgsl" },
        // Our own profile folders: without them test-electron makes them under .vscode-test in the repo.
        launchArgs: [
          workspace,
          "--user-data-dir", join(home, "user-data"),
          "--extensions-dir", join(home, "extensions"),
          "--disable-extensions",
          "--disable-telemetry",
          "--disable-chromium-sandbox",
        ],
      });
    } catch (err) {
      // TestRunFailedError: VS Code exited non-zero; the result file says more.
      exitCode = err?.code ?? 1;
      log(`VS Code exited with ${exitCode}: ${err instanceof Error ? err.message : err}`);
    }
    const result = readResult(resultFile);
    if (!result || !Array.isArray(result.tests)) {
      log(`FAILED: the suite wrote no result file (${resultFile}); it did not run or VS Code died first`);
      return 1;
    }
    for (const test of result.tests) {
      log(`${test.ok ? "ok  " : "FAIL"} ${test.name} (${test.ms} ms)${test.ok ? "" : `\n    ${String(test.error).split("\n").join("\n    ")}`}`);
    }
    const failed = result.tests.filter((t) => !t.ok).length;
    const passed = result.tests.length - failed;
    log(`scenario took ${((Date.now() - started) / 1000).toFixed(1)} s in VS Code ${result.vscodeVersion ?? "?"}`);
    console.log(`${passed} passed, ${failed} failed`);
    return failed === 0 && result.tests.length > 0 && exitCode === 0 ? 0 : 1;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[test:electron] FAILED: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
