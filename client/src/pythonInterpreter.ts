// The Python interpreter the Python extension (ms-python.python) has selected, for Triton's exact path: the language
// server compiles Triton kernels with it where `kernellens.triton.pythonPath` names none. The server reads it with the
// `kernellens` settings, as `triton.selectedInterpreter`, which the client adds to the settings it answers with (as it
// adds Workspace Trust), and is told to read the settings again when the selection changes.
//
// The Python extension's API as it publishes it (@vscode/python-extension): `environments.getActiveEnvironmentPath
// (resource)` gives `{ path }` and `environments.onDidChangeActiveEnvironmentPath` fires on a new selection; older
// releases have `settings.getExecutionDetails(resource).execCommand` instead. Without the extension, nothing is added.
import * as vscode from "vscode";

const PYTHON_EXTENSION_ID = "ms-python.python";

interface PythonExtensionApi {
  readonly environments?: {
    getActiveEnvironmentPath?(resource?: vscode.Uri): { readonly path?: string } | undefined;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
  readonly settings?: {
    getExecutionDetails?(resource?: vscode.Uri): { readonly execCommand?: readonly string[] } | undefined;
  };
}

/** The Python extension's API, activating it if it is installed and not yet active; undefined without it. */
async function pythonApi(): Promise<PythonExtensionApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
  if (!ext) return undefined;
  try {
    return ext.isActive ? ext.exports : await ext.activate();
  } catch {
    return undefined;
  }
}

/** The selected interpreter's path for `resource` (a document or folder), or undefined. */
export async function selectedPythonInterpreter(resource?: vscode.Uri): Promise<string | undefined> {
  const api = await pythonApi();
  try {
    const path = api?.environments?.getActiveEnvironmentPath?.(resource)?.path ?? api?.settings?.getExecutionDetails?.(resource)?.execCommand?.[0];
    return typeof path === "string" && path.trim() !== "" ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Calls `listener` when the Python extension's selection changes; nothing without the extension. */
export async function onPythonInterpreterChanged(listener: () => void): Promise<vscode.Disposable | undefined> {
  const api = await pythonApi();
  const event = api?.environments?.onDidChangeActiveEnvironmentPath;
  return event ? event(() => listener()) : undefined;
}

/**
 * The `kernellens` sections of a configuration answer with `triton.selectedInterpreter` set to `interpreter` (each
 * item's own, by its scope); other sections and an undefined interpreter are left as they are.
 */
export function withPythonInterpreter(items: readonly { readonly section?: string }[], results: readonly unknown[], interpreters: readonly (string | undefined)[]): unknown[] {
  return results.map((value, i) => {
    const interpreter = interpreters[i];
    if (items[i]?.section !== "kernellens" || interpreter === undefined) return value;
    const section = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    const triton = section.triton !== null && typeof section.triton === "object" && !Array.isArray(section.triton) ? (section.triton as Record<string, unknown>) : {};
    return { ...section, triton: { ...triton, selectedInterpreter: interpreter } };
  });
}

/** Whether a configuration scope is a Python file (only those are asked about: asking activates the Python extension). */
function isPythonScope(scopeUri: string | undefined): boolean {
  return typeof scopeUri === "string" && /\.pyw?$/i.test(scopeUri.replace(/[?#].*$/, ""));
}

/**
 * The selected interpreters for the language server's configuration requests, watching the Python extension's
 * selection from the first time one is asked for (then `onChange` has the server read its settings again).
 */
export class PythonInterpreters implements vscode.Disposable {
  private watch: Promise<vscode.Disposable | undefined> | undefined;

  constructor(private readonly onChange: () => void) {}

  /** Per configuration item: the interpreter for a `kernellens` section asked for a Python file, else undefined. */
  forItems(items: readonly { readonly section?: string; readonly scopeUri?: string }[]): Promise<(string | undefined)[]> {
    return Promise.all(
      items.map((item) => {
        if (item.section !== "kernellens" || !isPythonScope(item.scopeUri)) return Promise.resolve(undefined);
        this.watch ??= onPythonInterpreterChanged(this.onChange);
        return selectedPythonInterpreter(vscode.Uri.parse(item.scopeUri!));
      }),
    );
  }

  dispose(): void {
    void this.watch?.then((d) => d?.dispose());
  }
}
