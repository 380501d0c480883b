// The Kernels panel page: shows the entry points of the followed WGSL file and asks the host to reveal the one picked.
//
// Invariant: no host message can break the page. Each is checked against the protocol first; one that fails is
// ignored (the page keeps showing what it showed) and reported back as `invalidMessage`.
import type { KernelInfo } from "../../../server/src/protocol";
import { requireElement, setChildren } from "../shared/dom";
import { assertNever, check } from "../../../server/src/core/validation";
import { SortableTable, type TableViewState } from "../shared/sortableTable";
import { createWebviewApi } from "../shared/vscodeApi";
import { hostToPageChecker, limits, type HostToPage, type PageToHost } from "./protocol";
import { initialKernelsPageState, kernelsPageStateChecker, type KernelsPageState } from "./state";
import { fileName, kernelColumns, kernelDetail, kernelRowLabel, summary } from "./view";

const api = createWebviewApi<PageToHost, KernelsPageState>(kernelsPageStateChecker);
let state: KernelsPageState = api.getState() ?? initialKernelsPageState;

const title = requireElement("title", HTMLHeadingElement);
const summaryLine = requireElement("summary", HTMLElement);
const message = requireElement("message", HTMLElement);
const tableHost = requireElement("table-host", HTMLElement);

const table = new SortableTable<KernelInfo>({
  label: "Entry points",
  columns: kernelColumns,
  rowKey: (k) => k.name,
  rowLabel: kernelRowLabel,
  detail: kernelDetail,
  emptyText: "This file declares no entry points.",
  initial: state,
  onActivate: (kernel) => {
    if (state.view?.type !== "kernels") return;
    api.postMessage({ type: "reveal", uri: state.view.data.uri, range: kernel.range });
  },
  onViewStateChange: (view: TableViewState) => save(view),
});
tableHost.append(table.element);

function save(changes: Partial<KernelsPageState>): void {
  state = { ...state, ...changes };
  api.setState(state);
}

function show(view: HostToPage | null): void {
  if (view === null) {
    title.textContent = "Kernels";
    summaryLine.replaceChildren();
    showMessage("Waiting for the language server…");
    return;
  }
  switch (view.type) {
    case "kernels": {
      title.textContent = fileName(view.data.uri);
      title.title = view.data.uri;
      setChildren(summaryLine, summary(view.data));
      message.hidden = true;
      tableHost.hidden = false;
      table.setRows(view.data.kernels);
      return;
    }
    case "empty":
      title.textContent = "Kernels";
      title.removeAttribute("title");
      summaryLine.replaceChildren();
      showMessage(view.reason);
      return;
    default:
      assertNever(view, "host message");
  }
}

function showMessage(text: string): void {
  message.textContent = text;
  message.hidden = false;
  tableHost.hidden = true;
}

function report(detail: string): void {
  api.postMessage({ type: "invalidMessage", detail: detail.slice(0, limits.detailLength) });
}

function onHostMessage(data: unknown): void {
  const checked = check(hostToPageChecker, data);
  if (!checked.ok) {
    report(checked.detail);
    return;
  }
  const view = checked.value;
  const previousUri = state.view?.type === "kernels" ? state.view.data.uri : undefined;
  try {
    // Open rows belong to one file: a kernel of the same name in another file starts closed.
    if (view.type === "kernels" && view.data.uri !== previousUri) table.setExpandedKeys([]);
    show(view);
    save({ ...table.viewState, view });
  } catch (err) {
    // Checked data should always render; if it does not, that is a page bug the host should hear about.
    report(`could not show a ${view.type} message: ${err instanceof Error ? err.message : String(err)}`);
  }
}

show(state.view);
api.onMessage(onHostMessage);
api.postMessage({ type: "ready" });
