// Typed access to the webview API that VS Code injects into a page (messages to the host, persisted state).
import { check, type Checker } from "../../../server/src/core/validation";

/** What `acquireVsCodeApi()` returns inside a VS Code webview. */
interface RawVsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export interface WebviewApi<Out, State> {
  /** Sends a message to the extension host (structured-cloned, so plain data only). */
  postMessage(message: Out): void;
  /** The state saved by an earlier instance of this page, or undefined when there is none or it has the wrong shape. */
  getState(): State | undefined;
  /** Saves state that VS Code hands back after the page is hidden and shown again, or restored after a reload. */
  setState(state: State): void;
  /** Listens for messages from the host; the data is untrusted, so check it. Returns a function that stops listening. */
  onMessage(listener: (data: unknown) => void): () => void;
}

let raw: RawVsCodeApi | undefined;

/**
 * VS Code allows `acquireVsCodeApi()` to be called once per page, so the result is kept here and shared by every
 * wrapper. Outside VS Code (a page opened on its own while developing it) an in-memory stand-in keeps the page usable.
 */
function rawApi(): RawVsCodeApi {
  if (raw) return raw;
  const acquire = (globalThis as { acquireVsCodeApi?: () => RawVsCodeApi }).acquireVsCodeApi;
  if (typeof acquire === "function") {
    raw = acquire();
  } else {
    let memory: unknown;
    raw = {
      postMessage: (message) => console.info("webview: no VS Code host; message not sent", message),
      getState: () => memory,
      setState: (state) => {
        memory = state;
      },
    };
  }
  return raw;
}

/**
 * The page's API, typed by the messages it sends (`Out`) and the state it keeps. State is checked when read back,
 * because it may have been saved by an older version of the page.
 */
export function createWebviewApi<Out, State>(stateChecker: Checker<State>): WebviewApi<Out, State> {
  const api = rawApi();
  return {
    postMessage: (message) => api.postMessage(message),
    getState: () => {
      const saved = check(stateChecker, api.getState(), "state");
      return saved.ok ? saved.value : undefined;
    },
    setState: (state) => api.setState(state),
    onMessage: (listener) => {
      const handler = (event: MessageEvent): void => listener(event.data);
      window.addEventListener("message", handler);
      return () => window.removeEventListener("message", handler);
    },
  };
}
