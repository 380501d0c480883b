// Headers that changed on disk, as the client reports them (`workspace/didChangeWatchedFiles`: the VS Code client
// watches the workspace's CUDA and C++ headers, which it never sends as documents when they are `.h`/`.hpp`, and which
// may change outside the editor: a `git checkout`, a generator, another editor). Reports come in bursts (a checkout
// touches hundreds of files), so they are gathered for a short quiet time and handed on as one batch; which open
// documents a batch concerns is decided here, from what each document's static analysis read and what its text
// includes. Knows nothing of nvcc: the compiles decide from the headers their own compile read (cudaCompiles.ts).
import { realpathSync } from "node:fs";
import { basename, resolve } from "node:path";
import { FileChangeType } from "vscode-languageserver";
import { uriToPath } from "./documentAnalyses";

/** Quiet milliseconds after the last report before a batch is handed on. */
export const HEADER_CHANGE_DEBOUNCE_MS = 250;

export interface ChangedFile {
  readonly path: string;
  /** Created, changed or deleted (`FileChangeType`). */
  readonly type: number;
}

/** Gathers reported file changes and hands them on, one batch per quiet time, each path once (its last change). */
export class HeaderChanges {
  private readonly pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly onBatch: (changes: readonly ChangedFile[]) => void,
  ) {}

  /** The changes of one `workspace/didChangeWatchedFiles` notification; anything but a file URI is ignored. */
  add(changes: readonly { readonly uri: string; readonly type: number }[]): void {
    if (!Array.isArray(changes)) return;
    for (const c of changes) {
      const path = c && typeof c.uri === "string" ? uriToPath(c.uri) : undefined;
      if (path) this.pending.set(path, c.type);
    }
    if (this.pending.size === 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.delayMs);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private flush(): void {
    this.timer = undefined;
    const batch = [...this.pending].map(([path, type]) => ({ path, type }));
    this.pending.clear();
    if (batch.length > 0) this.onBatch(batch);
  }
}

/** What the server knows of one open document: its text and the files its last static analysis included. */
export interface OpenDocumentReads {
  readonly uri: string;
  readonly text: string;
  readonly includes: readonly string[];
}

/**
 * The open documents whose static analysis a batch makes stale: those that included a changed or deleted file, and,
 * for a created file, those whose text has an `#include` naming it (the header was missing when they were read).
 * A changed document's own file is left out (its editor's text is what is analysed).
 */
export function documentsReading(changes: readonly ChangedFile[], open: readonly OpenDocumentReads[]): string[] {
  const paths = new Set(changes.flatMap((c) => samePaths(c.path)));
  const created = [...new Set(changes.filter((c) => c.type === FileChangeType.Created).map((c) => basename(c.path)))];
  const out: string[] = [];
  for (const doc of open) {
    const own = uriToPath(doc.uri);
    const readOne = doc.includes.some((p) => p !== own && paths.has(p));
    if (readOne || created.some((name) => includesName(doc.text, name))) out.push(doc.uri);
  }
  return out;
}

/** Whether `text` has an `#include` of a file called `name` (in any folder). */
function includesName(text: string, name: string): boolean {
  if (!text.includes(name)) return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^[ \\t]*#[ \\t]*include[ \\t]*["<](?:[^">\\n]*[/\\\\])?${escaped}[">]`, "m").test(text);
}

/** A path and, where it exists, the path with its links resolved (the static reader keys includes by the latter). */
export function samePaths(path: string): string[] {
  const full = resolve(path);
  try {
    const real = realpathSync(full);
    return real === full ? [full] : [full, real];
  } catch {
    return [full];
  }
}
