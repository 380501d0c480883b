// Messages between the Roofline panel page and its host (client/src/panels/rooflinePanel.ts), with a checker per direction.
//
// The host posts the server's `kernellens/roofline` answer with two things only the client knows added: each kernel's
// latest measured run and the calibrated roofs of the local adapter. Neither side trusts the other, as in the Kernels
// panel: names come from workspace files, and the host opens editors and re-runs the model on page messages.
import type {
  RooflineCeilings,
  RooflineDevice,
  RooflineDeviceEntry,
  RooflineKernel,
  RooflineMeasuredPoint,
  RooflinePrediction,
  RooflineResult,
  WirePosition,
  WireRange,
} from "../../../server/src/protocol";
import { arrayOf, integer, literal, nullable, number, object, oneOf, optional, string, taggedUnion, type Checker } from "../../../server/src/core/validation";

/** A kernel as the page shows it: the server's point, and the latest run's point when the host has one. */
export interface RooflineKernelView extends RooflineKernel {
  measured?: RooflineMeasuredPoint | null;
}

/**
 * The adapter that measured the chart's points (the newest run's): its name, and the id its calibration has as a
 * device. The charted device is the measuring adapter's own model only when its id is that one; any other device
 * (a datasheet GPU, another adapter's calibration) is a what-if, and the page says so wherever it shows both.
 */
export interface RooflineMeasuredOn {
  adapter: string;
  deviceId: string;
}

export interface RooflineData extends Omit<RooflineResult, "kernels"> {
  kernels: RooflineKernelView[];
  /** Roofs calibration measured on the local adapter (drawn dashed, labelled "measured"); absent or null when none. */
  measuredCeilings?: RooflineCeilings | null;
  /** The adapter that measured the points; absent or null when nothing measured is charted. */
  measuredOn?: RooflineMeasuredOn | null;
}

/**
 * Host -> page: `roofline` with the data to chart; `empty` with why there is none; `select` after `roofline` when
 * the panel was opened for one kernel (the code lens above an entry point), to point that kernel out.
 */
export type HostToPage = { type: "roofline"; data: RooflineData } | { type: "empty"; reason: string } | { type: "select"; name: string };

/**
 * Page -> host: `ready` once the page listens, with the device a restored page had picked (so the host models on it
 * again after a reload); `reveal` on a point's click or Enter; `selectDevice` from the device picker;
 * `invalidMessage` when the page ignored a host message that failed its check (the host logs it).
 */
export type PageToHost =
  | { type: "ready"; deviceId: string | null }
  | { type: "reveal"; uri: string; range: WireRange }
  | { type: "selectDevice"; id: string }
  | { type: "invalidMessage"; detail: string };

/**
 * Bounds on what the page accepts: far above a real file (a thousand entry points is a generated file already) and
 * the device database, and low enough that a runaway value cannot freeze the page.
 */
export const limits = {
  uriLength: 8192,
  nameLength: 1024,
  idLength: 256,
  kernels: 5000,
  devices: 1000,
  reasonLength: 2000,
  detailLength: 1000,
  position: 2 ** 32 - 1,
  /** Rates and intensities: 1e15 GFLOP/s or FLOP/byte is far past any device; anything above is a bug, not data. */
  magnitude: 1e15,
} as const;

const position: Checker<WirePosition> = object<WirePosition>({
  line: integer({ min: 0, max: limits.position }),
  character: integer({ min: 0, max: limits.position }),
});

export const wireRangeChecker: Checker<WireRange> = object<WireRange>({ start: position, end: position });

/** Strictly positive and finite: every value the chart places on a log axis. */
const positive = number({ min: Number.MIN_VALUE, max: limits.magnitude });

export const ceilingsChecker: Checker<RooflineCeilings> = object<RooflineCeilings>({
  source: oneOf("datasheet", "measured"),
  label: string({ maxLength: limits.nameLength }),
  computeGflops: object<RooflineCeilings["computeGflops"]>({ f32: positive, f16: nullable(positive) }),
  dramGBps: positive,
  workgroupGBps: nullable(positive),
});

const deviceEntryChecker: Checker<RooflineDeviceEntry> = object<RooflineDeviceEntry>({
  id: string({ maxLength: limits.idLength, minLength: 1 }),
  name: string({ maxLength: limits.nameLength }),
  vendor: string({ maxLength: limits.idLength }),
});

const deviceChecker: Checker<RooflineDevice> = object<RooflineDevice>({
  id: string({ maxLength: limits.idLength, minLength: 1 }),
  name: string({ maxLength: limits.nameLength }),
  vendor: string({ maxLength: limits.idLength }),
  ceilings: ceilingsChecker,
});

const predictionChecker: Checker<RooflinePrediction> = object<RooflinePrediction>({
  ai: positive,
  gflops: positive,
  ms: positive,
  bound: oneOf("compute", "memory", "workgroup-memory", "latency", "unknown"),
  attainableGflops: positive,
});

export const measuredPointChecker: Checker<RooflineMeasuredPoint> = object<RooflineMeasuredPoint>({ ai: positive, gflops: positive, ms: positive });

const kernelChecker: Checker<RooflineKernelView> = object<RooflineKernelView>({
  name: string({ maxLength: limits.nameLength, minLength: 1 }),
  range: wireRangeChecker,
  predicted: nullable(predictionChecker),
  workgroupAi: nullable(positive),
  reason: nullable(string({ maxLength: limits.reasonLength })),
  assumed: optional(nullable(string({ maxLength: limits.reasonLength }))),
  measured: optional(nullable(measuredPointChecker)),
});

export const rooflineResultChecker: Checker<RooflineResult> = object<RooflineResult>({
  uri: string({ maxLength: limits.uriLength, minLength: 1 }),
  language: optional(oneOf("wgsl", "cuda", "triton")),
  device: deviceChecker,
  devices: arrayOf(deviceEntryChecker, { maxLength: limits.devices }),
  kernels: arrayOf(kernelChecker, { maxLength: limits.kernels }),
});

export const measuredOnChecker: Checker<RooflineMeasuredOn> = object<RooflineMeasuredOn>({
  adapter: string({ maxLength: limits.nameLength }),
  deviceId: string({ maxLength: limits.idLength, minLength: 1 }),
});

export const rooflineDataChecker: Checker<RooflineData> = object<RooflineData>({
  uri: string({ maxLength: limits.uriLength, minLength: 1 }),
  language: optional(oneOf("wgsl", "cuda", "triton")),
  device: deviceChecker,
  devices: arrayOf(deviceEntryChecker, { maxLength: limits.devices }),
  kernels: arrayOf(kernelChecker, { maxLength: limits.kernels }),
  measuredCeilings: optional(nullable(ceilingsChecker)),
  measuredOn: optional(nullable(measuredOnChecker)),
});

export const hostToPageChecker: Checker<HostToPage> = taggedUnion<HostToPage>({
  roofline: object({ type: literal("roofline"), data: rooflineDataChecker }),
  empty: object({ type: literal("empty"), reason: string({ maxLength: limits.reasonLength }) }),
  select: object({ type: literal("select"), name: string({ maxLength: limits.nameLength, minLength: 1 }) }),
});

export const pageToHostChecker: Checker<PageToHost> = taggedUnion<PageToHost>({
  ready: object({ type: literal("ready"), deviceId: nullable(string({ maxLength: limits.idLength, minLength: 1 })) }),
  reveal: object({ type: literal("reveal"), uri: string({ maxLength: limits.uriLength, minLength: 1 }), range: wireRangeChecker }),
  selectDevice: object({ type: literal("selectDevice"), id: string({ maxLength: limits.idLength, minLength: 1 }) }),
  invalidMessage: object({ type: literal("invalidMessage"), detail: string({ maxLength: limits.detailLength }) }),
});
