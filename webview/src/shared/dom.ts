// Small helpers that build DOM nodes from data safely: text goes in as text nodes, never through innerHTML.
//
// Everything a panel shows comes from the host, and so ultimately from a file in the workspace: a kernel named
// `<img onerror=...>` must show up as those characters. The helpers also refuse the attributes the strict CSP of
// every panel would block anyway (inline handlers, inline styles), so a mistake shows up at once in the tests
// instead of as a silent CSP violation in the field.

/** What can be placed inside an element: nodes, text, numbers; null, undefined and false are skipped. */
export type Child = Node | string | number | null | undefined | false;
export type Children = readonly (Child | readonly Child[])[];

export type AttributeValue = string | number | boolean | null | undefined;

export interface ElementProps {
  class?: string | null | readonly (string | false | null | undefined)[];
  id?: string;
  title?: string;
  /** Plain attributes (`role`, `aria-*`, `tabindex`, `colspan`...): true sets an empty value, false/null/undefined omits. */
  attrs?: Record<string, AttributeValue>;
  /** `data-*` attributes, by their camelCase dataset name. */
  dataset?: Record<string, string>;
  on?: { [E in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[E]) => void };
}

const attributeName = /^[a-zA-Z][a-zA-Z0-9-]*$/;
const urlAttributes = new Set(["href", "src", "action", "formaction", "xlink:href", "poster"]);

/** Sets an attribute after checking its name: no event handlers, no inline styles, no script URLs. */
export function setAttribute(element: Element, name: string, value: AttributeValue): void {
  const lower = name.toLowerCase();
  if (!attributeName.test(name) || lower.startsWith("on") || lower === "style" || lower === "srcdoc") {
    // A programming error, not bad data: attribute names are always written in the page's own code.
    throw new Error(`dom: refusing to set attribute ${JSON.stringify(name)}`);
  }
  if (value === false || value === null || value === undefined) {
    element.removeAttribute(name);
    return;
  }
  const text = value === true ? "" : String(value);
  if (urlAttributes.has(lower) && /^\s*(javascript|data|vbscript):/i.test(text)) {
    throw new Error(`dom: refusing a script URL in ${name}`);
  }
  element.setAttribute(name, text);
}

/** Appends children in order; strings and numbers become text nodes. */
export function append(parent: Node, children: Children): void {
  for (const child of children) {
    if (Array.isArray(child)) append(parent, child);
    else appendOne(parent, child as Child);
  }
}

function appendOne(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  parent.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
}

/** Creates an element: `h("td", { class: "num", attrs: { role: "gridcell" } }, "64")`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps | null = null,
  ...children: Children
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props) {
    if (props.class !== undefined && props.class !== null) {
      const classes = typeof props.class === "string" ? props.class.split(/\s+/) : props.class;
      for (const c of classes) if (c) element.classList.add(c);
    }
    if (props.id !== undefined) element.id = props.id;
    if (props.title !== undefined) element.title = props.title;
    for (const [name, value] of Object.entries(props.attrs ?? {})) setAttribute(element, name, value);
    for (const [name, value] of Object.entries(props.dataset ?? {})) element.dataset[name] = value;
    for (const [type, listener] of Object.entries(props.on ?? {})) {
      if (listener) element.addEventListener(type, listener as EventListener);
    }
  }
  append(element, children);
  return element;
}

/** Replaces all children of `parent`. */
export function setChildren(parent: Element, ...children: Children): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Finds an element the page's template must contain; a missing one is a bug in the template, so this throws. */
export function requireElement<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`template is missing #${id}`);
  return element;
}

/** `1 error`, `2 errors`: counts in labels read better with the right noun form. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
