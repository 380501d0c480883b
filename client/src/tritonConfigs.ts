// The picker behind a Triton kernel's lens: every configuration the server modelled, with its predicted time, bound,
// occupancy and resources, the best first. Picking one reveals where the configuration is written (its
// `triton.Config`, launch or `# @config` line) and shows the kernel's hover, which compares them all.
import * as vscode from "vscode";
import type { TritonConfigRow } from "../../server/src/protocol";

/** One row as the server's lens sends it (protocol.ts); checked field by field when it arrives. */
type ConfigRow = Omit<TritonConfigRow, "source">;

const str = (v: unknown): string => (typeof v === "string" ? v.slice(0, 500) : "");

/** The lens's rows, or none where the arguments are not what the server sends. */
export function configRows(raw: unknown): ConfigRow[] {
  if (!Array.isArray(raw)) return [];
  return raw.slice(0, 1000).flatMap((r: unknown): ConfigRow[] => {
    if (typeof r !== "object" || r === null) return [];
    const o = r as Record<string, unknown>;
    if (typeof o.name !== "string" || typeof o.configText !== "string") return [];
    return [{
      name: str(o.name),
      configText: str(o.configText),
      line: typeof o.line === "number" && Number.isInteger(o.line) && o.line >= 0 ? o.line : null,
      predictedMs: typeof o.predictedMs === "number" && Number.isFinite(o.predictedMs) ? o.predictedMs : null,
      fits: o.fits !== false,
      bound: str(o.bound),
      occupancy: str(o.occupancy),
      sharedMemory: str(o.sharedMemory),
      registers: str(o.registers),
      flops: str(o.flops),
      dramBytes: str(o.dramBytes),
      assumed: str(o.assumed),
    }];
  });
}

function msText(ms: number | null): string {
  if (ms === null) return "no estimate";
  return ms < 0.001 ? `≈ ${(ms * 1000).toPrecision(2)} µs` : `≈ ${ms.toPrecision(2)} ms`;
}

/** The quick pick's items: time first (modelled, not measured), then bound, occupancy and resources. */
export function configItems(rows: readonly ConfigRow[]): (vscode.QuickPickItem & { row: ConfigRow })[] {
  return rows.map((row, i) => ({
    label: `${i === 0 && row.predictedMs !== null && row.fits ? "$(star-full) " : !row.fits ? "$(warning) " : ""}${row.configText}`,
    description: `${row.fits ? "" : "does not fit on the device · "}${msText(row.predictedMs)} · ${row.bound}-bound`,
    detail: `occupancy ${row.occupancy} · shared memory ${row.sharedMemory} · registers ${row.registers} · ${row.flops} · DRAM ${row.dramBytes}${row.assumed ? ` · ${row.assumed}` : ""}`,
    row,
  }));
}

/** `kernellens.pickTritonConfig`: arguments `[uri, function, rows]` from the lens. */
export async function pickTritonConfig(uriArg: unknown, fn: unknown, rawRows: unknown): Promise<void> {
  const rows = configRows(rawRows);
  if (typeof uriArg !== "string" || rows.length === 0) return;
  const picked = await vscode.window.showQuickPick(configItems(rows), {
    title: `${typeof fn === "string" ? fn : "kernel"}: ${rows.length} configurations (predicted by the cost model, not measured)`,
    placeHolder: "Pick a configuration to go to it",
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) return;
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uriArg));
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  if (picked.row.line !== null && picked.row.line < document.lineCount) {
    const line = document.lineAt(picked.row.line);
    const start = line.range.start.translate(0, line.firstNonWhitespaceCharacterIndex);
    editor.selection = new vscode.Selection(start, line.range.end);
    editor.revealRange(line.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}
