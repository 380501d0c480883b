// What the panels open on a workspace file's say-so: the kernel a sweep result names (Design space) and the file a
// run-history row names (Profiler), inside the workspace always, outside only with Workspace Trust; and the trust the
// client adds to the settings the language server reads. Pure functions, run without VS Code.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { revealDecision } from "../../client/src/panels/profilerRows";
import { decideOpen, decideOpenPath, isInWorkspace, OUTSIDE_NOTE, withWorkspaceTrust, type UriLike } from "../../client/src/workspaceBoundary";
import { defaultSettings, parseSettings } from "../../server/src/lsp/settings";

function fixture(): { ws: string; outside: string } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "kl-boundary-")));
  const ws = join(root, "ws");
  const outside = join(root, "outside");
  mkdirSync(join(ws, "kernels"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(ws, "kernels", "saxpy.wgsl"), "");
  writeFileSync(join(outside, "secret.wgsl"), "");
  symlinkSync(join(outside, "secret.wgsl"), join(ws, "kernels", "link.wgsl"));
  return { ws, outside };
}

const file = (fsPath: string): UriLike => ({ scheme: "file", authority: "", path: fsPath, fsPath });
const remote = (path: string, authority = "ssh-remote+box"): UriLike => ({ scheme: "vscode-remote", authority, path, fsPath: path });

describe("Design space: the kernel a sweep result names", () => {
  it("reads a kernel inside the workspace, and one outside only when trusted, saying so", () => {
    const f = fixture();
    const folders = [file(f.ws)];
    assert.deepEqual(decideOpen(file(join(f.ws, "kernels", "saxpy.wgsl")), folders, false, "kernels/saxpy.wgsl"), { allowed: true, outside: false });
    for (const target of [join(f.outside, "secret.wgsl"), join(f.ws, "kernels", "link.wgsl"), join(f.ws, "kernels", "..", "..", "outside", "secret.wgsl")]) {
      const refused = decideOpen(file(target), folders, false, "../x.wgsl");
      assert.equal(refused.allowed, false, target);
      assert.ok(!refused.allowed && refused.reason === `../x.wgsl is ${OUTSIDE_NOTE}: it opens only in a trusted workspace`);
      assert.deepEqual(decideOpen(file(target), folders, true, "../x.wgsl"), { allowed: true, outside: true });
    }
  });

  it("judges a kernel that does not exist by its folder", () => {
    const f = fixture();
    assert.ok(isInWorkspace(file(join(f.ws, "kernels", "gone.wgsl")), [file(f.ws)]));
    assert.ok(!isInWorkspace(file(join(f.outside, "gone.wgsl")), [file(f.ws)]));
  });

  it("compares remote and virtual files by scheme, authority and normalised path", () => {
    const folders = [remote("/home/me/ws")];
    assert.ok(isInWorkspace(remote("/home/me/ws/k.wgsl"), folders));
    assert.ok(!isInWorkspace(remote("/home/me/ws/../other/k.wgsl"), folders));
    assert.ok(!isInWorkspace(remote("/home/me/ws2/k.wgsl"), folders));
    assert.ok(!isInWorkspace(remote("/home/me/ws/k.wgsl", "ssh-remote+other"), folders), "another machine");
    assert.ok(!isInWorkspace(file("/home/me/ws/k.wgsl"), folders), "a local file of the same path");
    assert.ok(!isInWorkspace(file("/x/k.wgsl"), []), "no folder: nothing is inside");
  });

  it("uses the real path the caller gives (links resolved)", () => {
    const realpath = (p: string): string | undefined => (p === "/ws/link.wgsl" ? "/elsewhere/k.wgsl" : p);
    assert.ok(!isInWorkspace(file("/ws/link.wgsl"), [file("/ws")], { realpath }));
    assert.ok(isInWorkspace(file("/ws/k.wgsl"), [file("/ws")], { realpath }));
    assert.ok(decideOpenPath("/ws/k.wgsl", ["/ws"], false, "k.wgsl", { realpath }).allowed);
  });
});

describe("Profiler: the file a history row names", () => {
  it("opens relative files in the folder, and refuses `..`, absolute paths and links out of it without trust", () => {
    const f = fixture();
    const inside = revealDecision(f.ws, "kernels/saxpy.wgsl", [f.ws], false);
    assert.deepEqual(inside, { allowed: true, outside: false, path: join(f.ws, "kernels", "saxpy.wgsl") });
    for (const named of ["../outside/secret.wgsl", join(f.outside, "secret.wgsl"), "kernels/link.wgsl", "kernels/../../outside/secret.wgsl"]) {
      const refused = revealDecision(f.ws, named, [f.ws], false);
      assert.equal(refused.allowed, false, named);
      assert.ok(!refused.allowed && refused.reason.startsWith(`${named} is outside the workspace`));
      const trusted = revealDecision(f.ws, named, [f.ws], true);
      assert.equal(trusted.allowed && trusted.outside, true, named);
    }
  });

  it("counts a file in another folder of a multi-root workspace as inside", () => {
    const f = fixture();
    const d = revealDecision(f.ws, join(f.outside, "secret.wgsl"), [f.ws, f.outside], false);
    assert.deepEqual(d, { allowed: true, outside: false, path: join(f.outside, "secret.wgsl") });
  });
});

describe("Workspace Trust in the language server's settings", () => {
  it("adds the window's trust to the kernellens section, over whatever a settings file says", () => {
    const items = [{ section: "kernellens" }, { section: "editor" }, { section: "kernellens" }];
    const got = withWorkspaceTrust(items, [{ device: "x", workspaceTrusted: true }, { tabSize: 2 }, null], false);
    assert.deepEqual(got, [{ device: "x", workspaceTrusted: false }, { tabSize: 2 }, { workspaceTrusted: false }]);
    assert.deepEqual(withWorkspaceTrust([{ section: "kernellens" }], [{}], true), [{ workspaceTrusted: true }]);
  });

  it("is read by the server, untrusted unless said so", () => {
    assert.equal(defaultSettings.workspaceTrusted, false);
    assert.equal(parseSettings({}).workspaceTrusted, false);
    assert.equal(parseSettings({ workspaceTrusted: "yes" }).workspaceTrusted, false);
    assert.equal(parseSettings(withWorkspaceTrust([{ section: "kernellens" }], [{ device: "x" }], true)[0]).workspaceTrusted, true);
  });
});
