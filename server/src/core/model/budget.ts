// A work budget for one kernel's evaluation: the model spends steps (conditions tested while counting) and, where
// the adapter passes a clock, time, and falls back to cheaper estimates once either runs out, never to a hang.
//
// Steps keep the result deterministic (the same file gets the same answer on a fast and a slow machine); the clock
// is the adapter's guard against a slow machine (the language server passes one, the tests do not).

/** Steps one kernel's counting may take before it samples instead: about a second of enumeration on this machine. */
export const DEFAULT_STEP_BUDGET = 50_000_000;

export interface BudgetOptions {
  readonly steps?: number;
  /** Milliseconds from the first step, measured with `clock`. */
  readonly timeMs?: number;
  readonly clock?: () => number;
}

export class WorkBudget {
  private left: number;
  private readonly deadline: number;
  private sinceClock = 0;
  /** Why the budget ran out, once it has. */
  reason: string | undefined;

  constructor(private readonly options: BudgetOptions = {}) {
    this.left = options.steps ?? DEFAULT_STEP_BUDGET;
    this.deadline = options.clock && options.timeMs !== undefined ? options.clock() + options.timeMs : Infinity;
  }

  /** Takes `n` steps if the budget allows them; false (and from then on) once it does not. */
  spend(n: number): boolean {
    if (this.reason) return false;
    if (n > this.left) {
      this.reason = `the analysis budget of ${(this.options.steps ?? DEFAULT_STEP_BUDGET).toLocaleString("en-US")} steps ran out`;
      return false;
    }
    this.left -= n;
    this.sinceClock += n;
    if (this.sinceClock >= 65536 && this.options.clock) {
      this.sinceClock = 0;
      if (this.options.clock() > this.deadline) {
        this.reason = `the analysis took longer than its ${this.options.timeMs} ms budget`;
        return false;
      }
    }
    return true;
  }

  get exhausted(): boolean {
    return this.reason !== undefined;
  }
}
