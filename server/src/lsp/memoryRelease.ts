// Gives the memory of a large document's analysis back to the system soon after the document shrinks or closes.
//
// Once the last reference to an analysis goes, V8 frees it only at its next full collection, and an idle server
// allocates too little to cause one: a 5 MB document's half a gigabyte stayed in the process for a minute or more.
// So when the server drops a large analysis it asks for full collections, a second later (after any burst of edits),
// through V8's `gc` (exposed at run time; where it cannot be, nothing happens and V8 collects on its own).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gc: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (gc !== undefined) return gc;
  try {
    setFlagsFromString("--expose-gc");
    const fn: unknown = runInNewContext("gc");
    gc = typeof fn === "function" ? (fn as () => void) : null;
  } catch {
    gc = null;
  }
  return gc;
}

export class MemoryRelease {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly delayMs = 1000) {}

  /** A large analysis was dropped: collect once things are quiet. */
  request(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      // Two collections a second apart: the first frees the analysis, the second (once V8 has swept) shrinks the heap.
      collector()?.();
      this.timer = setTimeout(() => {
        this.timer = undefined;
        collector()?.();
      }, this.delayMs);
      this.timer.unref();
    }, this.delayMs);
    this.timer.unref();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
