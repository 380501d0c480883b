// Feeds the Roofline panel: modelled points from the language server, measured points from the run history.
import * as vscode from "vscode";
import { relative, sep } from "node:path";
import { RooflineRequest, type RooflineMeasuredPoint, type RooflineResult } from "../../../server/src/protocol";
import { ceilingsFromCalibration, measuredDeviceId, measuredPointFromRun, profileForMeasurements, readHistory, loadProfiles, type RunOutcome } from "../../../server/src/engine";
import type { ExtensionContextHolder } from "../context";
import { adapterLabel } from "../run/format";
import { registerRooflinePanel } from "./rooflinePanel";

export function registerRoofline(context: vscode.ExtensionContext, ctx: ExtensionContextHolder): ReturnType<typeof registerRooflinePanel> {
  return registerRooflinePanel(context, {
    fetchRoofline: async (uri, deviceId, token) => {
      const client = ctx.client;
      if (!client?.isRunning()) return undefined;
      return client.sendRequest<RooflineResult>(RooflineRequest, { uri, deviceId }, token);
    },
    measuredFor: async (uri) => {
      const file = vscode.Uri.parse(uri);
      const folder = vscode.workspace.getWorkspaceFolder(file);
      const points = new Map<string, RooflineMeasuredPoint>();
      const runs: RunOutcome[] = [];
      if (folder) {
        const rel = relative(folder.uri.fsPath, file.fsPath).split(sep).join("/");
        // Oldest first, so the latest run of each entry point wins.
        for (const r of readHistory(folder.uri.fsPath)) {
          if (r.file !== rel) continue;
          const p = measuredPointFromRun(r.outcome);
          if (!p) continue;
          points.set(r.outcome.entry, p);
          runs.push(r.outcome);
        }
      }
      // Measured points are drawn against the roofs of the adapter that measured them, never another adapter's.
      const profile = profileForMeasurements(loadProfiles(), runs);
      // And named with it: a charted device that is not its calibration is a what-if, and the page says so.
      const adapter = [...runs].reverse().find((r) => r.adapter)?.adapter;
      const measuredOn = adapter ? { adapter: adapterLabel(adapter), deviceId: measuredDeviceId(adapter.key) } : null;
      return { points, ceilings: profile ? ceilingsFromCalibration(profile, adapterLabel(profile.adapter)) : null, measuredOn };
    },
    log: (m) => ctx.output.warn(m),
  });
}
