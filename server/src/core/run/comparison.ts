// Which prediction a measurement may be compared with: only the one for the adapter that measured it.
//
// A kernel timed on this machine's adapter (lavapipe, say) and a prediction for a datasheet device (an RTX 4090)
// are two different questions: their ratio ("measured 13,113x longer") and error ("-100 %") say nothing about the
// model, and a coincidental "+23 %" would look like validation. So a prediction is compared with a measurement only
// when it was made for the measuring adapter's calibration profile (a `measured` device whose id is the adapter
// key's); otherwise the prediction is shown as what it is, with a note, and no error or ratio.

import { isMeasuredDeviceOf, measuredDeviceId } from "./measuredDeviceId";

// The device id of a measured profile, short and stable (measuredDeviceId.ts), kept importable from here.
export { measuredDeviceId };

/** What a run's outcome says about the model's prediction. */
export interface PredictionComparison {
  /** The predicted time on `deviceId` (null when the model lacks a size). */
  readonly ms: number | null;
  readonly deviceId: string;
  /** `(predicted − measured) / measured` in percent; null unless `comparable` (and both times are known). */
  readonly errorPct: number | null;
  /**
   * Whether `deviceId` is the calibration profile of the adapter that measured: only then is there an error. Absent
   * in outcomes recorded before it existed (the run history): `isComparable` decides those from the ids.
   */
  readonly comparable?: boolean;
  /** Why there is no error, in words, when there is none although a time was predicted. */
  readonly note?: string;
}

/** Whether a prediction for `deviceId` may be compared with a measurement on the adapter with key `adapterKey`. */
export function isMeasuringAdaptersDevice(deviceId: string, adapterKey: string | undefined): boolean {
  // A record written before ids were shortened names the calibration by its old id: still the same adapter's.
  return adapterKey !== undefined && adapterKey !== "" && isMeasuredDeviceOf(deviceId, adapterKey);
}

/**
 * Whether a recorded prediction may be shown with its error: `comparable` when the outcome says, else (an outcome
 * recorded before it did) only when its device is the measuring adapter's calibration.
 */
export function isComparable(predicted: Pick<PredictionComparison, "comparable" | "deviceId">, adapterKey: string | undefined): boolean {
  return predicted.comparable ?? isMeasuringAdaptersDevice(predicted.deviceId, adapterKey);
}

/** The note a prediction for another device carries: it is no check of the model. */
export function notComparableNote(device: { readonly id: string; readonly name: string; readonly vendor?: string }): string {
  const what = device.vendor === "measured" ? `${device.name}, a calibration of another adapter,` : device.name;
  return `no calibration for this adapter: predicted for ${what} is not comparable`;
}

/** The prediction a measurement is shown with: an error only against the measuring adapter's own calibration. */
export function comparePrediction(
  predictedMs: number | null,
  measuredMs: number | null,
  device: { readonly id: string; readonly name: string; readonly vendor?: string },
  adapterKey: string | undefined,
): PredictionComparison {
  const comparable = isMeasuringAdaptersDevice(device.id, adapterKey);
  if (!comparable) return { ms: predictedMs, deviceId: device.id, errorPct: null, comparable, note: notComparableNote(device) };
  const errorPct = predictedMs !== null && measuredMs !== null && measuredMs > 0 && Number.isFinite(measuredMs) ? ((predictedMs - measuredMs) / measuredMs) * 100 : null;
  return { ms: predictedMs, deviceId: device.id, errorPct, comparable };
}
