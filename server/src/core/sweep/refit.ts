// Per-adapter corrections of the cost model, refitted from the points a sweep has measured.
//
// Pure. The model predicts each point's time and its parts (compute, barriers, memory, workgroup memory, workgroup
// count) for a device; the adapter a sweep runs on differs from it (a CPU driver pays far more per barrier and per
// workgroup than a GPU does). The correction is a non-negative linear combination of those parts,
//
//   corrected(p) = w · features(p),   features = [predicted, compute, barrier, memory, workgroup memory, workgroups],
//
// fitted to the measured times by ridge regression on relative error (each row divided by its measured time, so a
// 1 ms point counts as much as a 100 ms one), pulled towards the prior "the model's prediction times one scale"
// (w = [s, 0, 0, 0, 0, 0]) so a handful of points cannot swing it far. Written by hand: a 6 x 6 solve needs no library.

/** The parts of a point's prediction the correction combines, all in ms (workgroups: thousands of workgroups). */
export interface PredictionFeatures {
  readonly predictedMs: number;
  readonly computeMs: number;
  readonly barrierMs: number;
  readonly memoryMs: number;
  readonly workgroupMs: number;
  /** Workgroups in the dispatch / 1000: a per-workgroup cost (scheduling, barrier set-up) fits as ms per thousand. */
  readonly kiloWorkgroups: number;
}

export const FEATURE_NAMES = ["predictedMs", "computeMs", "barrierMs", "memoryMs", "workgroupMs", "kiloWorkgroups"] as const;

export function featureVector(f: PredictionFeatures): number[] {
  return FEATURE_NAMES.map((k) => (Number.isFinite(f[k]) && f[k] > 0 ? f[k] : 0));
}

export interface Correction {
  /** One weight per feature, all >= 0. */
  readonly weights: readonly number[];
  /** Root mean square of log(measured / corrected) over the fitted points: the spread a prediction is trusted to. */
  readonly logSpread: number;
  /** Points fitted. */
  readonly points: number;
}

/** Strength of the pull towards the prior, in units of one measured point's squared relative error. */
const RIDGE = 0.5;

/** The correction with no measurement yet: the model's prediction as it is. */
export const IDENTITY_CORRECTION: Correction = { weights: FEATURE_NAMES.map((_n, i) => (i === 0 ? 1 : 0)), logSpread: Infinity, points: 0 };

export function applyCorrection(c: Correction, f: PredictionFeatures): number {
  const x = featureVector(f);
  const y = x.reduce((sum, v, i) => sum + v * (c.weights[i] ?? 0), 0);
  // Never below a tiny positive time: a zero would make every log-space comparison meaningless.
  return y > 0 ? y : Math.max(f.predictedMs, 1e-9);
}

/** Solves A x = b for a small symmetric positive definite A (Gaussian elimination with partial pivoting). */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    if (Math.abs(m[pivot]![c]!) < 1e-300) return null;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
    x[r] = s / m[r]![r]!;
  }
  return x.every(Number.isFinite) ? x : null;
}

/**
 * Fits the correction to measured points. Features are scaled by their typical size first so one ridge strength fits
 * all; a weight the fit wants negative is fixed at zero and the rest refitted (an active set: a part of the
 * prediction can cost nothing, never time back).
 */
export function fitCorrection(samples: readonly { features: PredictionFeatures; measuredMs: number }[]): Correction {
  const rows = samples.filter((s) => s.measuredMs > 0 && Number.isFinite(s.measuredMs) && s.features.predictedMs > 0);
  if (rows.length === 0) return IDENTITY_CORRECTION;
  const xs = rows.map((r) => featureVector(r.features));
  const ys = rows.map((r) => r.measuredMs);
  const n = FEATURE_NAMES.length;
  // The prior's scale: the geometric mean of measured over predicted.
  const scale = Math.exp(rows.reduce((s, r, i) => s + Math.log(ys[i]! / r.features.predictedMs), 0) / rows.length);
  // Rows on relative error: each feature over the point's measured time, so the target of every row is 1. Each
  // column is then scaled by its typical size, so a scaled weight of 1 means "this part alone explains the times"
  // and one ridge strength fits every column.
  const rel = xs.map((x, r) => x.map((v) => v / ys[r]!));
  const unit = FEATURE_NAMES.map((_k, j) => {
    const nz = rel.map((x) => x[j]!).filter((v) => v > 0);
    return nz.length > 0 ? nz.reduce((a, b) => a + b, 0) / nz.length : 0;
  });
  const prior = FEATURE_NAMES.map((_k, j) => (j === 0 ? scale * unit[0]! : 0));
  const active = FEATURE_NAMES.map((_k, j) => unit[j]! > 0);
  let weightsScaled = prior.slice();
  for (let round = 0; round < n; round++) {
    const idx = active.map((a, j) => (a ? j : -1)).filter((j) => j >= 0);
    const ata = idx.map(() => idx.map(() => 0));
    const atb = idx.map(() => 0);
    for (const x of rel) {
      const row = idx.map((j) => x[j]! / unit[j]!);
      row.forEach((v, a) => {
        atb[a]! += v;
        row.forEach((u, b) => (ata[a]![b]! += v * u));
      });
    }
    idx.forEach((j, a) => {
      ata[a]![a]! += RIDGE;
      atb[a]! += RIDGE * prior[j]!;
    });
    const w = solve(ata, atb);
    if (!w) break;
    weightsScaled = FEATURE_NAMES.map(() => 0);
    idx.forEach((j, a) => (weightsScaled[j] = w[a]!));
    const negative = idx.filter((j) => weightsScaled[j]! < 0);
    if (negative.length === 0) break;
    for (const j of negative) {
      active[j] = false;
      weightsScaled[j] = 0;
    }
  }
  const weights = weightsScaled.map((w, j) => (unit[j]! > 0 ? Math.max(0, w) / unit[j]! : 0));
  const fitted: Correction = { weights, logSpread: 0, points: rows.length };
  const residuals = rows.map((r, i) => Math.log(ys[i]! / applyCorrection(fitted, r.features)));
  const rms = Math.sqrt(residuals.reduce((s, e) => s + e * e, 0) / residuals.length);
  return { ...fitted, logSpread: rms };
}

/** Spearman's rank correlation of two equally long series (average ranks for ties); null below 3 pairs or with no spread. */
export function rankCorrelation(a: readonly number[], b: readonly number[]): number | null {
  if (a.length !== b.length || a.length < 3) return null;
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (ra.length + 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i]! - mean) * (rb[i]! - mean);
    da += (ra[i]! - mean) ** 2;
    db += (rb[i]! - mean) ** 2;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : null;
}

function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((x, y) => x.v - y.v);
  const out = new Array<number>(values.length);
  for (let s = 0; s < order.length; ) {
    let e = s;
    while (e + 1 < order.length && order[e + 1]!.v === order[s]!.v) e++;
    const rank = (s + e) / 2 + 1;
    for (let k = s; k <= e; k++) out[order[k]!.i] = rank;
    s = e + 1;
  }
  return out;
}
