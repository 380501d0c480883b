// Prepares the page for Monaco under the panels' strict CSP; imported before Monaco, because Monaco reads it as its modules load.
//
// The panels' policy allows no inline styles and no workers. Monaco, as shipped, needs three things it forbids, and
// each is handled here instead of loosening the policy:
//
// 1. `<style>` elements. Monaco writes its theme colours and decoration classes into `<style>` elements it creates
//    with `document.createElement("style")`. The Design-space page's policy carries a style nonce (the script's
//    own), and every `<style>` element created in the page gets it before it is inserted: a nonce set after
//    insertion would leave the sheet blocked for good.
// 2. `style="…"` attributes in HTML strings. Monaco renders lines, line numbers and overlays as HTML strings with
//    inline `style` attributes, assigned through `innerHTML`; a nonce cannot cover attributes. Monaco passes every
//    such string through a Trusted Types policy it asks `MonacoEnvironment` for, so the policy given here renames
//    the attribute to `data-kl-style`, and a MutationObserver applies each one as CSSOM (`style.cssText`), which
//    the policy allows, in the same task before the frame is painted.
// 3. Web workers. The diff editor computes its diff in a worker when it can get one. A worker would need
//    `worker-src blob:` and, in a VS Code webview, a same-origin script to start from, which the resource origin is
//    not. `getWorker` refuses, and Monaco falls back to running its worker code on the main thread (it logs one
//    console warning saying so): for a kernel's few hundred lines the diff takes a millisecond or two.

interface TrustedTypePolicyOptionsLike {
  createHTML?: (value: string) => string;
  createScriptURL?: (value: string) => string;
}

const styleAttribute = "data-kl-style";

/** The nonce of the script that is running now: the page's, which the page's policy also allows for styles. */
const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? "";

/** Renames `style` attributes inside the tags of an HTML string (text cannot hold a `<`: Monaco escapes it). */
export function moveStyleAttributes(html: string): string {
  return html.replace(/<[A-Za-z][^>]*>/g, (tag) => tag.replace(/(\s)style=(["'])/g, `$1${styleAttribute}=$2`));
}

function applyMovedStyles(root: Element): void {
  const apply = (element: Element): void => {
    const css = element.getAttribute(styleAttribute);
    if (css === null) return;
    element.removeAttribute(styleAttribute);
    if (element instanceof HTMLElement || element instanceof SVGElement) element.style.cssText = css;
  };
  apply(root);
  for (const element of root.querySelectorAll(`[${styleAttribute}]`)) apply(element);
}

function install(): void {
  const createElement = Document.prototype.createElement;
  // Wrapped once for the whole page: Monaco creates its style elements in many places, all through this call.
  Document.prototype.createElement = function createElementWithStyleNonce(this: Document, tagName: string, options?: ElementCreationOptions) {
    const element = createElement.call(this, tagName, options);
    if (nonce !== "" && element instanceof HTMLStyleElement) element.setAttribute("nonce", nonce);
    return element;
  } as typeof Document.prototype.createElement;

  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) if (node instanceof Element) applyMovedStyles(node);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });

  (globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
    getWorker(): never {
      throw new Error("KernelLens: no web workers in this webview; Monaco runs its worker code on the main thread");
    },
    createTrustedTypesPolicy(_name: string, options: TrustedTypePolicyOptionsLike) {
      return {
        createHTML: (value: string) => moveStyleAttributes(options.createHTML ? options.createHTML(value) : value),
        createScriptURL: (value: string) => (options.createScriptURL ? options.createScriptURL(value) : value),
      };
    },
  };
}

install();
