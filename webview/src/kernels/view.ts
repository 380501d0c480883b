// Builds the Kernels page's DOM from a DocumentKernelsResult: the summary header, the table's columns and each row's bindings.
import type { DocumentKernelsResult, KernelBindingInfo, KernelInfo } from "../../../server/src/protocol";
import { h, plural, type Child } from "../shared/dom";
import type { TableColumn } from "../shared/sortableTable";

const none = "—";

/** `64×1×1` where the size is constant; the text as written where it names overrides; nothing for other stages. */
export function workgroupSizeLabel(kernel: KernelInfo): string | null {
  if (kernel.workgroupSize) return kernel.workgroupSize.join("×");
  return kernel.workgroupSizeText;
}

function workgroupSizeCell(kernel: KernelInfo): Child {
  if (kernel.workgroupSize) return kernel.workgroupSize.join("×");
  if (kernel.workgroupSizeText !== null) {
    return h("code", { class: "symbolic", title: "Not constant: depends on override values" }, kernel.workgroupSizeText);
  }
  return h("span", { class: "muted" }, none);
}

/**
 * The kernel's bindings in the API's sense: resources the launch must supply (@group/@binding resources, pointer
 * arguments). Workgroup (`__shared__`) arrays are listed with them but are no binding.
 */
export function boundCount(kernel: KernelInfo): number {
  return kernel.bindings.filter((b) => b.addressSpace !== "workgroup" && b.addressSpace !== "shared").length;
}

/** What a screen reader says for a row: everything the row shows, in words. */
export function kernelRowLabel(kernel: KernelInfo): string {
  const size = workgroupSizeLabel(kernel);
  const sizeText = size === null ? "no workgroup size" : `workgroup size ${size.replaceAll("×", " by ")}`;
  return `${kernel.name}, ${kernel.stage} entry point, ${sizeText}, ${plural(boundCount(kernel), "binding")}`;
}

export const kernelColumns: readonly TableColumn<KernelInfo>[] = [
  {
    id: "name",
    label: "Name",
    cell: (k) => h("span", { class: "kernel-name" }, k.name),
    sortKey: (k) => k.name,
  },
  {
    id: "stage",
    label: "Stage",
    cell: (k) => h("span", { class: ["stage", `stage-${k.stage}`] }, k.stage),
    sortKey: (k) => k.stage,
  },
  {
    id: "workgroupSize",
    label: "Workgroup size",
    cell: workgroupSizeCell,
    // Sorted by invocations per workgroup: that is what the size means for occupancy.
    sortKey: (k) => (k.workgroupSize ? k.workgroupSize[0] * k.workgroupSize[1] * k.workgroupSize[2] : null),
    numeric: true,
  },
  {
    id: "bindings",
    label: "Bindings",
    cell: boundCount,
    sortKey: boundCount,
    numeric: true,
  },
];

function slot(value: number | null): Child {
  return value === null ? h("span", { class: "muted" }, none) : value;
}

/** The expandable part of a row: the kernel's bindings, and its workgroup size as written when that is symbolic. */
export function kernelDetail(kernel: KernelInfo): Node {
  const parts: Child[] = [];
  if (kernel.workgroupSize === null && kernel.workgroupSizeText !== null) {
    parts.push(h("p", null, "Workgroup size as written: ", h("code", null, kernel.workgroupSizeText)));
  }
  if (kernel.bindings.length === 0) {
    parts.push(h("p", { class: "muted" }, "No bindings."));
  } else {
    const headers = ["Group", "Binding", "Name", "Address space", "Access", "Type"];
    const numeric = new Set(["Group", "Binding"]);
    parts.push(
      h(
        "table",
        { class: "bindings" },
        h("caption", { class: "visually-hidden" }, `Bindings of ${kernel.name}`),
        h("thead", null, h("tr", null, headers.map((label) => h("th", { class: numeric.has(label) ? "numeric" : null, attrs: { scope: "col" } }, label)))),
        h("tbody", null, kernel.bindings.map(bindingRow)),
      ),
    );
  }
  return h("div", { class: "kernel-detail" }, parts);
}

function bindingRow(binding: KernelBindingInfo): HTMLTableRowElement {
  return h(
    "tr",
    null,
    h("td", { class: "numeric" }, slot(binding.group)),
    h("td", { class: "numeric" }, slot(binding.binding)),
    h("td", null, h("span", { class: "binding-name" }, binding.name)),
    h("td", null, binding.addressSpace),
    h("td", null, binding.accessMode ?? h("span", { class: "muted" }, none)),
    h("td", null, h("code", null, binding.type)),
  );
}

/** The file's name from its URI, for the heading (the full URI goes in the tooltip). */
export function fileName(uri: string): string {
  const last = uri.split(/[/\\]/).filter((part) => part.length > 0).pop() ?? uri;
  try {
    return decodeURIComponent(last);
  } catch {
    // A malformed escape is still a name worth showing as it is.
    return last;
  }
}

/** The line under the heading: entry point count, the analysed variant's defines, and diagnostics counts. */
export function summary(data: DocumentKernelsResult): Node[] {
  const { errors, warnings, infos } = data.diagnostics;
  const defines =
    data.defines.length === 0
      ? [h("span", { class: "muted" }, "no defines")]
      : data.defines.map((d) => h("code", { class: "define" }, d));
  return [
    h("span", { class: "summary-item" }, plural(data.kernels.length, "entry point")),
    h("span", { class: "summary-item" }, h("span", { class: "summary-label" }, "Variant:"), " ", defines),
    h(
      "span",
      { class: "summary-item diagnostics" },
      h("span", { class: ["count", "count-error", errors > 0 && "nonzero"] }, plural(errors, "error")),
      h("span", { class: ["count", "count-warning", warnings > 0 && "nonzero"] }, plural(warnings, "warning")),
      h("span", { class: ["count", "count-info", infos > 0 && "nonzero"] }, plural(infos, "info")),
    ),
  ];
}
