// The data `kernellens report` embeds in its HTML page, with the checker the page runs before it renders anything.
//
// The CLI (server/src/cli/reportCommand.ts) builds it; the page (main.ts) reads it back from a JSON script block. The
// page checks it like a panel checks a host message: a report file may have been edited, truncated or produced by
// another version, and names and messages in it come from the analysed file, so a bad value must show a reason, not
// break the page. The roofline part is the Roofline panel's own data and goes through that panel's checker.
import { arrayOf, boolean, integer, literal, nullable, number, object, oneOf, optional, string, tuple, type Checker } from "../../../server/src/core/validation";
import { limits as rooflineLimits, rooflineDataChecker, type RooflineData } from "../roofline/protocol";

/** The id of the JSON block in the page; the CLI writes it, the page reads it. */
export const reportDataElementId = "kernellens-report-data";

export const REPORT_DATA_VERSION = 1;

export interface ReportHeader {
  /** The kernel file as the person named it (relative to where the CLI ran when inside it). */
  file: string;
  /** The file's language: the page words the launch as it does (WGSL's workgroups, CUDA's blocks, Triton's programs). Absent: WGSL. */
  language?: "wgsl" | "cuda" | "triton";
  device: { id: string; name: string; source: "datasheet" | "measured" };
  /** When the report was made (ISO 8601, UTC). */
  generatedAt: string;
  /** The adapter of the newest run in the report, else of the calibration profile; null when neither exists. */
  adapter: string | null;
  /** The newest calibration profile, whose roofs are drawn dashed; null without one. */
  calibration: { adapter: string; measuredAt: string } | null;
  /** Sizes given on the command line (`--let`), which win over the file's directives. */
  lets: { name: string; value: number }[];
  defines: string[];
  /**
   * Whether the language's compiler checked the file: Tint for WGSL (without it the findings are KernelLens's parser's
   * only); nvcc for CUDA (without it registers and shared memory are the model's estimates).
   */
  compilerChecked: boolean;
  /** CUDA: where the kernels' registers and shared memory come from, as a sentence (ptxas: exact; else estimated, and why). */
  resources?: { exact: boolean; detail: string };
  version: string;
}

/** One kernel's static model on the report's device: a WGSL compute entry point, a CUDA kernel or instantiation. */
export interface ReportKernel {
  name: string;
  /** 1-based line of the entry point's name. */
  line: number;
  workgroupSize: [number, number, number] | null;
  dispatch: [number, number, number] | null;
  invocations: number | null;
  flops: number | null;
  /** Unique global-memory footprint: each input element read once, each output element written once. */
  bytesCompulsory: number | null;
  /** Modelled DRAM traffic (read + written), with coalescing and reuse. */
  bytesDram: number | null;
  arithmeticIntensity: number | null;
  occupancy: { value: number; limitedBy: string; estimated: boolean } | null;
  bound: "compute" | "memory" | "workgroup-memory" | "latency" | "unknown";
  predictedMs: number | null;
  /** What the model could not know ("dispatch: no // @dispatch line"). */
  unknowns: string[];
  /** Sizes no directive states that the numbers rest on ("params.n = 1,048,576: ... // @uniform params = { n: 1048576 }"). */
  assumptions?: string[];
  /** Registers per thread and shared memory per block (`analyze --json`'s `resources`): ptxas's when `exact`. */
  resources?: ReportResources;
}

export interface ReportResources {
  registers: number | null;
  sharedMemoryBytes: number | null;
  dynamicSharedMemoryBytes: number | null;
  stackBytes: number | null;
  spillStoreBytes: number | null;
  spillLoadBytes: number | null;
  exact: boolean;
}

export interface ReportFinding {
  /** 1-based line and column, as editors show them. */
  line: number;
  column: number;
  severity: "error" | "warning" | "info" | "hint";
  code: string;
  message: string;
  source: "tint" | "kernellens" | "nvcc";
}

export interface ReportCheck {
  output: string;
  reference: string;
  passed: boolean;
  skipped: boolean;
  message: string;
}

/** The newest recorded run of one entry point of the file. */
export interface ReportRun {
  entry: string;
  /** When it was recorded (ISO 8601). */
  timestamp: string;
  mode: "run" | "profile";
  status: "passed" | "failed" | "error" | "timeout";
  timing: { medianMs: number; minMs: number; maxMs: number; samples: number; method: "timestamp" | "wall" } | null;
  gbps: number | null;
  gflops: number | null;
  checks: ReportCheck[];
  /** The model's prediction recorded with the run, on the device it used then (a calibrated profile, usually). */
  predicted: { ms: number | null; deviceId: string; errorPct: number | null } | null;
  adapter: string | null;
  /** The helper's error for a run that did not finish. */
  error: string | null;
  /** The run was of different source text than the file has now. */
  sourceChanged: boolean;
}

export interface ReportData {
  version: typeof REPORT_DATA_VERSION;
  header: ReportHeader;
  /** Exactly what the Roofline panel would be sent for this file and device. */
  roofline: RooflineData;
  kernels: ReportKernel[];
  findings: ReportFinding[];
  runs: ReportRun[];
}

/** Far above any real file, low enough that a corrupted report cannot freeze the page. */
export const reportLimits = {
  text: 20_000,
  name: rooflineLimits.nameLength,
  kernels: rooflineLimits.kernels,
  findings: 20_000,
  runs: 5_000,
  checks: 1_000,
  unknowns: 100,
  lets: 1_000,
} as const;

const text = string({ maxLength: reportLimits.text });
const name = string({ maxLength: reportLimits.name });
const count = number({ min: 0 });
const line = integer({ min: 1, max: rooflineLimits.position });
const size = integer({ min: 0 });
const triple = tuple<[number, number, number]>(size, size, size);

const headerChecker: Checker<ReportHeader> = object<ReportHeader>({
  file: string({ maxLength: rooflineLimits.uriLength }),
  language: optional(oneOf("wgsl", "cuda", "triton")),
  device: object<ReportHeader["device"]>({ id: name, name, source: oneOf("datasheet", "measured") }),
  generatedAt: string({ maxLength: 64 }),
  adapter: nullable(text),
  calibration: nullable(object<NonNullable<ReportHeader["calibration"]>>({ adapter: text, measuredAt: string({ maxLength: 64 }) })),
  lets: arrayOf(object<ReportHeader["lets"][number]>({ name, value: number() }), { maxLength: reportLimits.lets }),
  defines: arrayOf(name, { maxLength: reportLimits.lets }),
  compilerChecked: boolean(),
  resources: optional(object<NonNullable<ReportHeader["resources"]>>({ exact: boolean(), detail: text })),
  version: string({ maxLength: 64 }),
});

const kernelChecker: Checker<ReportKernel> = object<ReportKernel>({
  name,
  line,
  workgroupSize: nullable(triple),
  dispatch: nullable(triple),
  invocations: nullable(count),
  flops: nullable(count),
  bytesCompulsory: nullable(count),
  bytesDram: nullable(count),
  arithmeticIntensity: nullable(count),
  occupancy: nullable(object<NonNullable<ReportKernel["occupancy"]>>({ value: number({ min: 0, max: 1 }), limitedBy: name, estimated: boolean() })),
  bound: oneOf("compute", "memory", "workgroup-memory", "latency", "unknown"),
  predictedMs: nullable(count),
  unknowns: arrayOf(text, { maxLength: reportLimits.unknowns }),
  assumptions: optional(arrayOf(text, { maxLength: reportLimits.unknowns })),
  resources: optional(
    object<ReportResources>({
      registers: nullable(size),
      sharedMemoryBytes: nullable(size),
      dynamicSharedMemoryBytes: nullable(size),
      stackBytes: nullable(size),
      spillStoreBytes: nullable(size),
      spillLoadBytes: nullable(size),
      exact: boolean(),
    }),
  ),
});

const findingChecker: Checker<ReportFinding> = object<ReportFinding>({
  line,
  column: line,
  severity: oneOf("error", "warning", "info", "hint"),
  code: name,
  message: text,
  source: oneOf("tint", "kernellens", "nvcc"),
});

const runChecker: Checker<ReportRun> = object<ReportRun>({
  entry: name,
  timestamp: string({ maxLength: 64 }),
  mode: oneOf("run", "profile"),
  status: oneOf("passed", "failed", "error", "timeout"),
  timing: nullable(
    object<NonNullable<ReportRun["timing"]>>({ medianMs: count, minMs: count, maxMs: count, samples: size, method: oneOf("timestamp", "wall") }),
  ),
  gbps: nullable(count),
  gflops: nullable(count),
  checks: arrayOf(object<ReportCheck>({ output: name, reference: text, passed: boolean(), skipped: boolean(), message: text }), { maxLength: reportLimits.checks }),
  predicted: nullable(object<NonNullable<ReportRun["predicted"]>>({ ms: nullable(count), deviceId: name, errorPct: nullable(number()) })),
  adapter: nullable(text),
  error: nullable(text),
  sourceChanged: boolean(),
});

export const reportDataChecker: Checker<ReportData> = object<ReportData>({
  version: literal(REPORT_DATA_VERSION),
  header: headerChecker,
  roofline: rooflineDataChecker,
  kernels: arrayOf(kernelChecker, { maxLength: reportLimits.kernels }),
  findings: arrayOf(findingChecker, { maxLength: reportLimits.findings }),
  runs: arrayOf(runChecker, { maxLength: reportLimits.runs }),
});
