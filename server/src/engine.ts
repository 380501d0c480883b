// The engine as the extension client sees it: the one module under server/src that client/src may import (besides
// protocol.ts, the LSP messages).
//
// The engine (running kernels on the GPU helper, sweeps, the run history, calibration profiles, include resolution)
// is a layer shared by three adapters: the language server, the CLI and the VS Code client. The client owns the GPU
// helper process and Workspace Trust, so GPU work runs in the extension host, but it reaches the engine only here.
// This file re-exports exactly what the client uses, each name with the client feature that needs it;
// test/unit/client-architecture.test.ts fails when a client file imports server/src another way, or when a name here
// is no longer used.

// --- The GPU helper and its answers (gpu/) ---
export {
  // Run, Profile, Calibrate, Sweep: the helper process the extension host starts, owns and restarts.
  GpuHelperProcess,
} from "./gpu/helperClient";
export {
  // Run, Profile, Sweep, Detect GPU, GPU status item: tells a helper's error from the adapter it found.
  isHelperError,
  // GPU status item, run reports, Profiler view, calibration profiles, Sweep: the adapter the helper found.
  type AdapterSummary,
  // Calibrate, GPU status item, run reports, Profiler view (% of roof): a measured adapter's ceilings.
  type CalibrationProfile,
  // Run, Profile, Calibrate, Sweep: a VS Code cancellation token as the engine understands it.
  type Cancellation,
  // GPU status item (the helper it starts), Sweep: the helper contract, so both can be given a fake.
  type GpuHelper,
  // Run, Calibrate, run reports, GPU status item, Profiler view: what went wrong in the helper.
  type HelperError,
  // Run reports: the timing numbers of one run.
  type TimingResult,
} from "./gpu/types";
export {
  // GPU status item: says at start-up when this package carries no Dawn (the universal .vsix) and which one does.
  dawnMissing,
} from "./tint/dawnLoader";

// --- Running a kernel (run/) ---
export {
  // Run, Profile: checks, times and reports one entry point.
  runKernel,
} from "./run/runKernel";
export {
  // Run reports, Profiler view: one check of an output against its reference.
  type CheckOutcome,
  // Run, Profile, Show Run History, run reports, Profiler view: the result of one run.
  type RunOutcome,
  // Run, Profile: the signature of runKernel, so the commands can be given a fake.
  type RunKernel,
  // Run, Profile: what a run is asked to do.
  type RunOptions,
} from "./run/api";
export {
  // Run, Profile: records each finished run in the workspace folder's history.
  appendRun,
  // Show Run History, Profiler view, Roofline panel (measured points): reads a folder's history.
  readHistory,
  // Profiler view: one recorded run (its rows, and the live row of a run just recorded).
  type HistoryRecord,
} from "./run/history";
export {
  // Design-space panel, Profiler view: whether a file a sweep result or a history row names is inside the workspace.
  isWithin,
  // Design-space panel, Profiler view: a file with its links resolved, so a link out of the workspace is outside.
  realPath,
} from "./run/fileAccess";
export {
  // Run and Sweep (measured devices), GPU status item, Profiler view, Roofline panel: the saved calibration profiles.
  loadProfiles,
  // Roofline panel: the calibration measured points are drawn against (the measuring adapter's).
  profileForMeasurements,
  // Calibrate, Run, Sweep: a calibration profile as a measured device the cost model can predict for.
  profileToDevice,
  // Calibrate: saves the profile it measured.
  saveProfile,
} from "./run/profiles";
export {
  // Run and Profile reports: whether a prediction may be compared with a measurement (only the measuring adapter's calibration).
  isComparable,
  // Roofline panel: the device id of the measuring adapter's calibration (any other charted device is a what-if).
  measuredDeviceId,
} from "./core/run/comparison";
export {
  // Run and Profile diagnostics: whether a timeout is one run past its own deadline (the only hint of an endless loop).
  isDispatchTimeout,
} from "./gpu/deadline";

// --- Sweeps (sweep/) ---
export {
  // Sweep: times the variants of a design space, the most promising first.
  runSweep,
} from "./sweep/runSweep";
export {
  // Sweep: the signature of runSweep, so the commands can be given a fake.
  type RunSweep,
  // Sweep: what a sweep is asked to do.
  type SweepOptions,
  // Sweep progress notification: one step of a running sweep.
  type SweepProgressEvent,
  // Sweep report: how many points were feasible, timed, cached.
  type SweepStats,
  // Sweep, Clear Sweep Cache: the measurement cache as a sweep uses it.
  type SweepCacheStore,
} from "./sweep/api";
export {
  // Sweep, Clear Sweep Cache: opens the measurement cache.
  openSweepCache,
  // Sweep, Clear Sweep Cache: where the measurement cache lives.
  sweepCacheDir,
  // Sweep, Clear Sweep Cache: the opened measurement cache.
  type SweepCache,
} from "./sweep/cache";

// --- Sweep results and directives (the analysis core, read-only here) ---
export {
  // Sweep result store (the best-configuration lens, Apply Best), Design-space panel: reads a `*.sweep.json` result file.
  parseSweepResult,
  // Design-space panel: the source text of one timed variant.
  variantSource,
  // Best-configuration lens, Apply Best: a configuration as `NAME=value, ...`.
  formatParams,
  // Apply Best: writes the best configuration into the kernel, keeping its `@sweep` lines.
  substituteParameters,
  // Sweep lens: the text with its comments blanked, to find the entry points.
  maskComments,
  // Sweep, Sweep result store, Apply Best, Design-space panel: a sweep's result.
  type SweepResult,
  // Apply Best: one text edit of the kernel.
  type Edit,
  // Apply Best: how each parameter is declared, so it is written back the same way.
  type ParameterKind,
} from "./core/sweep/result";
export {
  // Sweep lens: the `// @...` directives of a kernel file, parsed as the engine parses them.
  parseDirectives,
  // Sweep lens: one directive.
  type Directive,
} from "./core/directives/directives";
export {
  // Sweep lens: the directives that apply to one entry point.
  directivesFor,
  // Sweep lens: where the code after a directive starts.
  nextCodeOffset,
  // Sweep lens: which `@sweep` lines are in force for which entry point (the engine's placement rule).
  scopeDirectives,
} from "./core/directives/launch";
export {
  // Settings (the `kernellens.device` default), Run (prediction device), Sweep: the default device's id.
  DEFAULT_DEVICE_ID,
  // Run (prediction device), Sweep: the device `kernellens.device` names, datasheet or measured.
  findDevice,
} from "./core/devices/database";
export {
  // Run, Sweep, calibration profiles: a device the cost model predicts for.
  type DeviceSpec,
} from "./core/devices/device";
export {
  // Settings (the `kernellens.assumedProblemSize` default): elements of the problem assumed where none is stated.
  DEFAULT_ASSUMED_PROBLEM_SIZE,
} from "./core/kernel/inferLaunch";
export {
  // Run reports, Sweep progress, the best-configuration lens: a duration as the CLI and the panels write it.
  formatMs,
} from "./core/format";
export {
  // Run notifications and reports: the achieved rates that fit the kernel, in a unit that fits them.
  achievedRates,
} from "./core/run/achievedRates";
export {
  // Run notifications: the prediction's device named as the cost-model lens names it ("RTX 4090").
  shortDeviceName,
} from "./core/model/lensLine";
export {
  // Kernels, Roofline, Profiler and Design-space panels: check what a page posts (and the host's own data) on receipt.
  check,
  // Kernels, Roofline, Profiler and Design-space panels: the end of the exhaustive switch over a page's messages.
  assertNever,
  // Profiler view: history records are read field by field, whatever wrote them.
  isObject,
} from "./core/validation";

// --- Roofline terms (shared with the language server's roofline request) ---
export {
  // Roofline panel: a calibration profile's measured roofs.
  ceilingsFromCalibration,
  // Roofline panel: a recorded run as a measured point.
  measuredPointFromRun,
} from "./lsp/rooflineRequest";

// --- Triton (which Python documents the language server reads) ---
export {
  // Document selector, server start, document sync: a Python document is KernelLens's only when it imports triton.
  importsTriton,
} from "./core/triton/analyze";
