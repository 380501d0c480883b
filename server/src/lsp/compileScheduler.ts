// When background compiles run: per key (an open document), debounced after the last request, one at a time, and at
// most `maxConcurrent` across the server (nvcc takes a core and up to seconds; the editor's static answer must keep
// its share of the machine). A new request for a key cancels the key's running task and starts the debounce again,
// so a compile of text the author has typed past is stopped rather than finished. Knows nothing of nvcc or LSP: the
// task decides what to do with its result, and must drop it when its cancellation fired.
import type { Cancellation } from "../gpu/types";

/** A cancellation that can be fired once; listeners added after it fired run at once. */
export class CancelSource implements Cancellation {
  private fired = false;
  private readonly listeners: (() => void)[] = [];

  get cancelled(): boolean {
    return this.fired;
  }

  onCancel(listener: () => void): void {
    if (this.fired) listener();
    else this.listeners.push(listener);
  }

  cancel(): void {
    if (this.fired) return;
    this.fired = true;
    for (const l of this.listeners.splice(0)) {
      try {
        l();
      } catch {
        /* a listener's failure must not keep the others from running */
      }
    }
  }
}

export type BackgroundTask = (cancel: Cancellation) => Promise<void>;

export class CompileScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Due tasks, in the order they became due (a Map keeps insertion order). */
  private readonly queue = new Map<string, BackgroundTask>();
  private readonly running = new Map<string, CancelSource>();
  private readonly idleWaiters: (() => void)[] = [];
  private disposed = false;

  constructor(
    private readonly maxConcurrent = 1,
    private readonly onError: (key: string, err: unknown) => void = () => undefined,
  ) {}

  /**
   * Runs `task` for `key` once `delayMs` pass without another `schedule` or `cancel` for it. A running task of the key
   * is cancelled now; the new one starts only after the old one has ended (one task per key at a time).
   */
  schedule(key: string, delayMs: number, task: BackgroundTask): void {
    if (this.disposed) return;
    this.cancel(key);
    const delay = Number.isFinite(delayMs) ? Math.max(0, delayMs) : 0;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.queue.set(key, task);
        this.pump();
      }, delay),
    );
  }

  /** Drops the key's pending task and cancels its running one. */
  cancel(key: string): void {
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
    this.queue.delete(key);
    this.running.get(key)?.cancel();
    this.settle();
  }

  /** Whether the key has a task waiting for its debounce, queued or running. */
  busy(key: string): boolean {
    return this.timers.has(key) || this.queue.has(key) || this.running.has(key);
  }

  /** Tasks running now (cancelled ones still winding down included). */
  get active(): number {
    return this.running.size;
  }

  /** Resolves when nothing is pending, queued or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  dispose(): void {
    this.disposed = true;
    for (const key of [...this.timers.keys(), ...this.queue.keys(), ...this.running.keys()]) this.cancel(key);
  }

  private isIdle(): boolean {
    return this.timers.size === 0 && this.queue.size === 0 && this.running.size === 0;
  }

  private pump(): void {
    while (this.running.size < this.maxConcurrent) {
      // The oldest due key whose previous task has ended (a cancelled task holds its key until its process is gone).
      let next: string | undefined;
      for (const key of this.queue.keys()) {
        if (!this.running.has(key)) {
          next = key;
          break;
        }
      }
      if (next === undefined) break;
      const key = next;
      const task = this.queue.get(key)!;
      this.queue.delete(key);
      const source = new CancelSource();
      this.running.set(key, source);
      void Promise.resolve()
        .then(() => task(source))
        .catch((err: unknown) => this.onError(key, err))
        .finally(() => {
          this.running.delete(key);
          this.pump();
        });
    }
    this.settle();
  }

  private settle(): void {
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
