// Keeps the client's action lenses (Run, Profile, Sweep, the best configuration) at the start of the lens line.
//
// VS Code draws every lens of a line on that line, sorted by provider and then by column: providers whose selectors
// match the document equally well rank newest registration first (its getCodeLensModel sorts by line, then by the
// provider's rank in LanguageFeatureRegistry.ordered). The language client registers the server's lens provider each
// time it starts, after the extension registered its own, so the cost model's lens came first and pushed Run off the
// screen of a narrow (split) editor. Registering the action providers again after every start of the language client
// puts them first, in the order given here.
import type * as vscode from "vscode";

/** What is needed of `vscode.languages` (a fake in tests). */
export interface LensRegistry {
  registerCodeLensProvider(selector: vscode.DocumentSelector, provider: vscode.CodeLensProvider): vscode.Disposable;
}

interface Entry {
  readonly position: number;
  readonly selector: vscode.DocumentSelector;
  readonly provider: vscode.CodeLensProvider;
}

export class ActionLenses implements vscode.Disposable {
  private readonly entries: Entry[] = [];
  private registrations: vscode.Disposable[] = [];

  constructor(private readonly languages: LensRegistry) {}

  /** Adds a provider whose lenses go before the server's; a lower `position` goes further left. */
  add(position: number, selector: vscode.DocumentSelector, provider: vscode.CodeLensProvider): vscode.Disposable {
    const entry: Entry = { position, selector, provider };
    this.entries.push(entry);
    this.register();
    return {
      dispose: () => {
        const i = this.entries.indexOf(entry);
        if (i < 0) return;
        this.entries.splice(i, 1);
        this.register();
      },
    };
  }

  /** Registers every provider again, the rightmost first, so they rank before any registered so far (the server's). */
  register(): void {
    this.unregister();
    const rightmostFirst = [...this.entries].sort((a, b) => b.position - a.position);
    this.registrations = rightmostFirst.map((e) => this.languages.registerCodeLensProvider(e.selector, e.provider));
  }

  private unregister(): void {
    for (const r of this.registrations.splice(0)) r.dispose();
  }

  dispose(): void {
    this.entries.splice(0);
    this.unregister();
  }
}

/** Positions on the lens line, left to right. */
export const LENS_POSITION = { run: 0, sweep: 1 } as const;
