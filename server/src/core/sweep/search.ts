// The model-guided search over a sweep's feasible points: which points to measure next, when to stop, which is best.
//
// Pure: it decides, the caller measures. The method, in three steps:
//
// 1. Explore. The feasible points are ranked by the cost model. The first batch is the best-predicted third of the
//    budget, plus a few points spread over the rest of the ranking (so the correction below sees more than one kind
//    of point).
// 2. Refit and narrow. After each batch the per-adapter correction (refit.ts) is refitted to everything measured and
//    the unmeasured points are ranked by their corrected prediction. A point can still win if its corrected time,
//    lowered by Z times the correction's log spread, beats the best measured median; the next batch is the most
//    promising of those (a third of the remaining budget). The search stops when no unmeasured point can still win
//    ("the best measured point is unlikely to be beaten"), when the budget of distinct points is spent, or when
//    every point is measured.
// 3. Confirm by successive halving. The best FINALISTS measured points are measured again, the slower half dropped,
//    and so on until one is left: the front-runners' medians rest on more samples than the rest, so one lucky
//    sample does not crown a point. The best is the least median over every measured point.
//
// Exhaustive search is step 1 with every point in the model's order, then step 3.
import { applyCorrection, fitCorrection, IDENTITY_CORRECTION, type Correction, type PredictionFeatures } from "./refit";

export interface SearchCandidate {
  /** The caller's index of the point. */
  readonly id: number;
  readonly features: PredictionFeatures;
}

export interface SearchOptions {
  /** Distinct points to measure at most (ignored when exhaustive). */
  readonly budget: number;
  readonly exhaustive?: boolean;
  /** Points that enter successive halving (default 4). */
  readonly finalists?: number;
}

/** How many log spreads below its corrected time a point's optimistic time is taken to be (one-sided, about 98%). */
export const OPTIMISM_Z = 2;
/** The spread never trusted below this (10%): a fit to a few points is always tighter than the truth. */
export const MIN_LOG_SPREAD = 0.1;
/** Points measured before the stopping rule may end the search: fewer cannot estimate a spread. */
export const MIN_POINTS_BEFORE_STOP = 3;
export const DEFAULT_FINALISTS = 4;

export type SearchStep = { readonly kind: "measure"; readonly ids: readonly number[]; readonly phase: "explore" | "confirm" } | { readonly kind: "done"; readonly reason: string };

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export class ModelGuidedSearch {
  private readonly byId: ReadonlyMap<number, SearchCandidate>;
  /** The model's order, best predicted first. */
  private readonly predictedOrder: readonly number[];
  private readonly samples = new Map<number, number[]>();
  private readonly wrong = new Set<number>();
  private correctionValue: Correction = IDENTITY_CORRECTION;
  private phase: "explore" | "confirm" | "done" = "explore";
  private started = false;
  private survivors: number[] = [];
  private stopReason = "";
  private readonly budget: number;
  private readonly finalists: number;

  constructor(candidates: readonly SearchCandidate[], private readonly options: SearchOptions) {
    this.byId = new Map(candidates.map((c) => [c.id, c]));
    this.predictedOrder = [...candidates].sort((a, b) => a.features.predictedMs - b.features.predictedMs || a.id - b.id).map((c) => c.id);
    this.budget = options.exhaustive ? candidates.length : Math.max(0, Math.min(candidates.length, Math.floor(options.budget)));
    this.finalists = Math.max(1, options.finalists ?? DEFAULT_FINALISTS);
  }

  get correction(): Correction {
    return this.correctionValue;
  }

  /** Why exploring stopped ("" while it goes on). */
  get reason(): string {
    return this.stopReason;
  }

  /** The corrected prediction of a point under the current correction. */
  corrected(id: number): number {
    const c = this.byId.get(id);
    return c ? applyCorrection(this.correctionValue, c.features) : NaN;
  }

  /** Every sample recorded for a point (empty when unmeasured or wrong). */
  samplesOf(id: number): readonly number[] {
    return this.samples.get(id) ?? [];
  }

  medianOf(id: number): number | null {
    const s = this.samples.get(id);
    return s && s.length > 0 ? median(s) : null;
  }

  /** Points measured (with a time) or found wrong: what the budget counts. */
  get spent(): number {
    return this.samples.size + this.wrong.size;
  }

  /**
   * Records a measurement: the samples of one more run of the point, or null when the point is wrong (a check
   * failed) or could not run; a wrong point leaves the search and still counts against the budget.
   */
  record(id: number, samplesMs: readonly number[] | null): void {
    if (!this.byId.has(id)) return;
    if (samplesMs === null || samplesMs.length === 0) {
      this.wrong.add(id);
      this.samples.delete(id);
      this.survivors = this.survivors.filter((s) => s !== id);
      return;
    }
    this.samples.set(id, [...(this.samples.get(id) ?? []), ...samplesMs]);
  }

  /**
   * The fastest point by the median of its samples. The finalists' medians rest on more samples after successive
   * halving; the best is still the least median over every measured point, so it is always the fastest one shown.
   */
  best(): { id: number; medianMs: number } | null {
    let best: { id: number; medianMs: number } | null = null;
    for (const id of this.samples.keys()) {
      const m = this.medianOf(id);
      if (m !== null && (!best || m < best.medianMs || (m === best.medianMs && id < best.id))) best = { id, medianMs: m };
    }
    return best;
  }

  /** The next points to measure, or why the search is over. Call after recording the previous step's results. */
  next(): SearchStep {
    if (this.phase === "explore") {
      const ids = this.exploreBatch();
      if (ids.length > 0) return { kind: "measure", ids, phase: "explore" };
      this.phase = "confirm";
      const ranked = [...this.samples.keys()].sort((a, b) => this.medianOf(a)! - this.medianOf(b)! || a - b);
      this.survivors = ranked.slice(0, this.finalists);
      // One finalist needs no second opinion.
      if (this.survivors.length > 1) return { kind: "measure", ids: this.survivors, phase: "confirm" };
    } else if (this.phase === "confirm") {
      const ranked = [...this.survivors].sort((a, b) => this.medianOf(a)! - this.medianOf(b)! || a - b);
      this.survivors = ranked.slice(0, Math.ceil(ranked.length / 2));
      if (this.survivors.length > 1) return { kind: "measure", ids: this.survivors, phase: "confirm" };
    }
    this.phase = "done";
    return { kind: "done", reason: this.stopReason };
  }

  private unmeasured(): number[] {
    return this.predictedOrder.filter((id) => !this.samples.has(id) && !this.wrong.has(id));
  }

  private exploreBatch(): number[] {
    const left = this.unmeasured();
    const remaining = this.budget - this.spent;
    if (left.length === 0) return this.stop("every feasible point was measured");
    if (remaining <= 0) return this.stop(this.budget === 0 ? "no budget" : `the budget of ${this.budget} point(s) was spent`);
    if (this.options.exhaustive) return left;
    if (!this.started) {
      this.started = true;
      return this.seedBatch(left, remaining);
    }
    this.correctionValue = fitCorrection([...this.samples].map(([id, s]) => ({ features: this.byId.get(id)!.features, measuredMs: median(s) })));
    const best = this.best();
    const ranked = left.map((id) => ({ id, t: this.corrected(id) })).sort((a, b) => a.t - b.t || a.id - b.id);
    let contenders = ranked;
    if (best && this.samples.size >= MIN_POINTS_BEFORE_STOP) {
      const spread = Math.max(MIN_LOG_SPREAD, this.correctionValue.logSpread);
      contenders = ranked.filter((r) => r.t * Math.exp(-OPTIMISM_Z * spread) < best.medianMs);
      if (contenders.length === 0) return this.stop(`no unmeasured point's corrected prediction, less ${OPTIMISM_Z} log spreads (${(spread * 100).toFixed(0)}%), beats the best measured`);
    }
    const size = Math.max(1, Math.ceil(remaining / 3));
    return contenders.slice(0, Math.min(size, remaining)).map((r) => r.id);
  }

  /** The first batch: the best-predicted two thirds of it, and the rest spread evenly over the remaining ranking. */
  private seedBatch(left: readonly number[], remaining: number): number[] {
    const size = Math.min(remaining, left.length, Math.max(2, Math.ceil(remaining / 3)));
    const top = Math.max(1, Math.ceil((size * 2) / 3));
    const chosen = left.slice(0, top);
    const rest = left.slice(top);
    const spread = size - chosen.length;
    for (let k = 1; k <= spread && rest.length > 0; k++) {
      const at = Math.min(rest.length - 1, Math.floor((k * rest.length) / (spread + 1)));
      const id = rest[at]!;
      if (!chosen.includes(id)) chosen.push(id);
    }
    return chosen;
  }

  /** Ends exploring; the empty batch it returns tells next() to confirm. */
  private stop(reason: string): number[] {
    this.stopReason = reason;
    return [];
  }
}
