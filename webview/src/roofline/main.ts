// The Roofline panel page: charts the followed file's kernels against a device's roofs and asks the host to reveal the one picked.
//
// Invariant, as on every panel: no host message can break the page. Each is checked against the protocol first; one
// that fails is ignored (the page keeps showing what it showed) and reported back as `invalidMessage`.
import { requireElement, setChildren } from "../shared/dom";
import { assertNever, check } from "../../../server/src/core/validation";
import { createWebviewApi } from "../shared/vscodeApi";
import { RooflineChart, type Extent } from "./chart";
import { hostToPageChecker, limits, type PageToHost, type RooflineData } from "./protocol";
import { initialRooflinePageState, rooflinePageStateChecker, type RooflinePageState, type ShownView } from "./state";
import { chartLabel, chartSources, deviceOptions, fileName, legend, pointAnnouncement, pointsCaption, pointsTable, summary, unplacedNote } from "./view";
import { rooflineWords } from "./words";

const api = createWebviewApi<PageToHost, RooflinePageState>(rooflinePageStateChecker);
let state: RooflinePageState = api.getState() ?? initialRooflinePageState;

const title = requireElement("title", HTMLHeadingElement);
const summaryLine = requireElement("summary", HTMLElement);
const deviceSelect = requireElement("device", HTMLSelectElement);
const resetZoomButton = requireElement("reset-zoom", HTMLButtonElement);
const message = requireElement("message", HTMLElement);
const figure = requireElement("figure", HTMLElement);
const chartHost = requireElement("chart", HTMLElement);
const legendLine = requireElement("legend", HTMLElement);
const unplaced = requireElement("unplaced", HTMLElement);
const announce = requireElement("announce", HTMLElement);
const tableHead = requireElement("points-head", HTMLTableSectionElement);
const tableBody = requireElement("points-body", HTMLTableSectionElement);
const tableCaption = requireElement("points-caption", HTMLTableCaptionElement);

/** Renders so far; tests and the benchmark wait on this attribute instead of polling for pixels or sleeping. */
let renders = 0;

const chart = new RooflineChart(chartHost, {
  onActivate: (kernel) => {
    const data = shownData();
    const k = data?.kernels[kernel];
    if (data && k) api.postMessage({ type: "reveal", uri: data.uri, range: k.range });
  },
  onZoom: (zoom) => {
    resetZoomButton.hidden = zoom === null;
    save({ zoom });
  },
  onFocusPoint: (point, position, total) => {
    const data = shownData();
    const k = point ? data?.kernels[point.kernel] : undefined;
    announce.textContent = point && data && k ? pointAnnouncement(k, point.kind, position, total, rooflineWords(data.language), chartSources(data)) : "";
  },
});

function shownData(): RooflineData | undefined {
  return state.view?.type === "roofline" ? state.view.data : undefined;
}

function save(changes: Partial<RooflinePageState>): void {
  state = { ...state, ...changes };
  api.setState(state);
}

function showMessage(text: string): void {
  message.textContent = text;
  message.hidden = false;
  figure.hidden = true;
}

function show(view: ShownView | null, zoom: Extent | null): void {
  if (view === null) {
    showMessage("Waiting for the language server…");
    return;
  }
  switch (view.type) {
    case "roofline": {
      const data = view.data;
      title.textContent = `Roofline: ${fileName(data.uri)}`;
      title.title = data.uri;
      setChildren(deviceSelect, deviceOptions(data.devices, data.device.id));
      deviceSelect.disabled = data.devices.length === 0;
      const words = rooflineWords(data.language);
      summaryLine.textContent = summary(data, words);
      chartHost.setAttribute("aria-label", chartLabel(data, words));
      chartHost.removeAttribute("aria-busy");
      figure.hidden = false;
      if (data.kernels.length === 0) {
        message.textContent = `This file has no ${words.entryPoints}; the chart shows the device's roofs only.`;
        message.hidden = false;
      } else {
        message.hidden = true;
      }
      chart.setData(data, zoom);
      resetZoomButton.hidden = zoom === null;
      setChildren(legendLine, legend(data, chart.pointCounts));
      setChildren(unplaced, unplacedNote(data));
      scheduleTable(data);
      break;
    }
    case "empty":
      title.textContent = "Roofline";
      title.removeAttribute("title");
      summaryLine.textContent = "";
      chartHost.removeAttribute("aria-busy");
      cancelTable();
      tableBody.replaceChildren();
      showMessage(view.reason);
      break;
    default:
      assertNever(view, "shown view");
  }
  renders++;
  figure.dataset.renders = String(renders);
}

/**
 * The table of points is filled after the chart's frame is painted, not with it: laying out a thousand rows that only
 * screen readers use would otherwise more than double the time until the chart shows (test/bench/rooflineRender.ts).
 * Newer data cancels a fill still waiting, so typing never queues up stale tables.
 */
let tableFrame: number | undefined;
let tableTimer: ReturnType<typeof setTimeout> | undefined;

function cancelTable(): void {
  if (tableFrame !== undefined) cancelAnimationFrame(tableFrame);
  clearTimeout(tableTimer);
  tableFrame = undefined;
  tableTimer = undefined;
}

function scheduleTable(data: RooflineData): void {
  cancelTable();
  tableFrame = requestAnimationFrame(() => {
    tableFrame = undefined;
    tableTimer = setTimeout(() => {
      tableTimer = undefined;
      tableCaption.textContent = pointsCaption(data);
      const table = pointsTable(data, rooflineWords(data.language));
      tableHead.replaceChildren(table.head);
      tableBody.replaceChildren(...table.body);
      // Which render the table belongs to: tests and the benchmark wait for it to match the figure's count.
      tableBody.dataset.render = figure.dataset.renders ?? "0";
    }, 0);
  });
}

function report(detail: string): void {
  api.postMessage({ type: "invalidMessage", detail: detail.slice(0, limits.detailLength) });
}

function onHostMessage(raw: unknown): void {
  const checked = check(hostToPageChecker, raw);
  if (!checked.ok) {
    report(checked.detail);
    return;
  }
  const message = checked.value;
  try {
    switch (message.type) {
      case "roofline": {
        // A zoom belongs to one file's chart: another file starts with the whole chart.
        const zoom = shownData()?.uri === message.data.uri ? state.zoom : null;
        save({ view: message, zoom });
        show(message, zoom);
        return;
      }
      case "empty":
        save({ view: message });
        show(message, null);
        return;
      case "select":
        chart.select(message.name);
        return;
      default:
        assertNever(message, "host message");
    }
  } catch (err) {
    // Checked data should always render; if it does not, that is a page bug the host should hear about.
    report(`could not show a ${message.type} message: ${err instanceof Error ? err.message : String(err)}`);
  }
}

deviceSelect.addEventListener("change", () => {
  const id = deviceSelect.value;
  if (id === "") return;
  save({ deviceId: id });
  // Busy until the host answers with the kernels modelled on the new device.
  chartHost.setAttribute("aria-busy", "true");
  api.postMessage({ type: "selectDevice", id });
});

resetZoomButton.addEventListener("click", () => chart.resetZoom());

// VS Code switches themes by changing the body's class and the variables on <html>: the canvas must redraw itself.
const themeObserver = new MutationObserver(() => chart.refreshTheme());
themeObserver.observe(document.body, { attributes: true, attributeFilter: ["class"] });
themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ["style", "class"] });

show(state.view, state.zoom);
api.onMessage(onHostMessage);
api.postMessage({ type: "ready", deviceId: state.deviceId });
