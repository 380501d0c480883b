// Messages between the Design-space page and its host (client/src/panels/designSpacePanel.ts), with a checker per direction.
//
// The host reads a sweep result file the user picked and the kernel it names, and posts both; the page asks the
// host to open a variant in an editor by the point's index only, so the page never hands the host text to open.
// Neither side trusts the other: the result comes from a file in the workspace.
import { validateSweepResult, sweepLimits, type SweepResult } from "../../../server/src/core/sweep/result";
import { boolean, integer, literal, nullable, object, optional, string, taggedUnion, type Checker } from "../../../server/src/core/validation";

export interface DesignSpaceData {
  /** The result file, as `uri.toString()` writes it. */
  resultUri: string;
  /** The kernel file the result names, resolved against the result file; null when it could not be resolved. */
  kernelUri: string | null;
  result: SweepResult;
  /** The kernel's text (the baseline of every variant), or null when the file could not be read. */
  baseline: string | null;
  /** Why there is no baseline, when there is none. */
  baselineProblem: string | null;
  /** The kernel file is outside the workspace (read because the workspace is trusted, or not read: see baselineProblem). */
  kernelOutside?: boolean;
}

/** Host -> page: `sweep` with a result to show; `empty` with why there is none. */
export type HostToPage = { type: "sweep"; data: DesignSpaceData } | { type: "empty"; reason: string };

/**
 * Page -> host: `ready` once the page listens; `openVariant` from the "Open variant" button, naming the point by its
 * index in the result the host posted (`resultUri` says which); `invalidMessage` when the page ignored a host message
 * that failed its check (the host logs it).
 */
export type PageToHost =
  | { type: "ready" }
  | { type: "openVariant"; resultUri: string; index: number }
  | { type: "invalidMessage"; detail: string };

export const limits = {
  uriLength: 8192,
  reasonLength: 2000,
  detailLength: 1000,
  baselineLength: sweepLimits.sourceLength,
} as const;

/** The sweep result's own validator as a checker: every problem it finds makes the message invalid. */
export const sweepResultChecker: Checker<SweepResult> = ((value: unknown, path: string): string | undefined => {
  const problems = validateSweepResult(value);
  if (problems.length === 0) return undefined;
  const first = problems[0]!.replace(/^result/, path);
  return problems.length === 1 ? first : `${first} (and ${problems.length - 1} more)`;
}) as Checker<SweepResult>;

const uri = string({ maxLength: limits.uriLength, minLength: 1 });

export const designSpaceDataChecker: Checker<DesignSpaceData> = object<DesignSpaceData>({
  resultUri: uri,
  kernelUri: nullable(uri),
  result: sweepResultChecker,
  baseline: nullable(string({ maxLength: limits.baselineLength })),
  baselineProblem: nullable(string({ maxLength: limits.reasonLength })),
  kernelOutside: optional(boolean()),
});

export const hostToPageChecker: Checker<HostToPage> = taggedUnion<HostToPage>({
  sweep: object({ type: literal("sweep"), data: designSpaceDataChecker }),
  empty: object({ type: literal("empty"), reason: string({ maxLength: limits.reasonLength }) }),
});

export const pageToHostChecker: Checker<PageToHost> = taggedUnion<PageToHost>({
  ready: object({ type: literal("ready") }),
  openVariant: object({ type: literal("openVariant"), resultUri: uri, index: integer({ min: 0, max: sweepLimits.points - 1 }) }),
  invalidMessage: object({ type: literal("invalidMessage"), detail: string({ maxLength: limits.detailLength }) }),
});
