// The chosen variant in Monaco: a read-only editor with its source, and a diff editor against the baseline kernel.
//
// Only the editor core is bundled (`monaco-editor/editor`, no language services, no contributions): these are
// viewers, and the core keeps the page's bundle to a fraction of Monaco's full size. Themes derive from Monaco's own
// (vs, vs-dark, hc-black, hc-light, picked from the body's theme class) with the panel's background, so the editors
// sit in the page like VS Code's own; WGSL colours come from wgslLanguage.ts.
import "./monacoEnvironment";
import * as monaco from "monaco-editor/editor";
// The icon font (the diff editor's +/- indicators, the fold arrows of unchanged regions).
import "monaco-editor/features/codicon/register";
import { wgslConfiguration, wgslLanguageId, wgslTokens } from "./wgslLanguage";

export type ThemeKind = "light" | "dark" | "high-contrast" | "high-contrast-light";

const themeNames: Record<ThemeKind, string> = {
  light: "kernellens-light",
  dark: "kernellens-dark",
  "high-contrast": "kernellens-hc-dark",
  "high-contrast-light": "kernellens-hc-light",
};

const themeBases: Record<ThemeKind, monaco.editor.BuiltinTheme> = {
  light: "vs",
  dark: "vs-dark",
  "high-contrast": "hc-black",
  "high-contrast-light": "hc-light",
};

/** Attributes and builtins in VS Code's default colours for decorators and functions, where Monaco's are grey. */
const extraRules: Record<ThemeKind, monaco.editor.ITokenThemeRule[]> = {
  light: [
    { token: "annotation", foreground: "795E26" },
    { token: "variable.predefined", foreground: "795E26" },
  ],
  dark: [
    { token: "annotation", foreground: "DCDCAA" },
    { token: "variable.predefined", foreground: "DCDCAA" },
  ],
  "high-contrast": [{ token: "variable.predefined", foreground: "DCDCAA" }],
  "high-contrast-light": [{ token: "variable.predefined", foreground: "795E26" }],
};

/** The theme kind VS Code set on the body (`vscode-light`, `vscode-dark`, `vscode-high-contrast[-light]`). */
export function themeKindOf(body: HTMLElement): ThemeKind {
  if (body.classList.contains("vscode-high-contrast-light")) return "high-contrast-light";
  if (body.classList.contains("vscode-high-contrast")) return "high-contrast";
  if (body.classList.contains("vscode-light")) return "light";
  return "dark";
}

/** A CSS colour Monaco accepts in a theme (#rgb, #rrggbb, #rrggbbaa), or undefined. */
function hexColor(value: string): string | undefined {
  const v = value.trim();
  return /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(v) ? v : undefined;
}

/** Bounds on the diff editor's height, in CSS pixels: a long diff scrolls inside it. */
const minDiffHeight = 120;
const maxDiffHeight = 640;
const scrollbarSize = 12;

let languageRegistered = false;

function registerWgsl(): void {
  if (languageRegistered) return;
  languageRegistered = true;
  monaco.languages.register({ id: wgslLanguageId, extensions: [".wgsl"], aliases: ["WGSL"] });
  monaco.languages.setLanguageConfiguration(wgslLanguageId, wgslConfiguration);
  monaco.languages.setMonarchTokensProvider(wgslLanguageId, wgslTokens);
}

export interface VariantView {
  /** The variant's text. */
  text: string;
  /** The baseline kernel's text, or null when the kernel file could not be read (no diff then). */
  baseline: string | null;
  /** 0-based lines of `text` that hold a substituted value: highlighted, and scrolled into view. */
  changedLines: readonly number[];
  /** For the editors' accessible names: "variant TILE=8, BM=2". */
  label: string;
}

export class VariantEditors {
  private readonly source: monaco.editor.IStandaloneCodeEditor;
  private readonly diff: monaco.editor.IStandaloneDiffEditor;
  private readonly sourceModel: monaco.editor.ITextModel;
  private diffModels: { original: monaco.editor.ITextModel; modified: monaco.editor.ITextModel } | null = null;
  private decorations: monaco.editor.IEditorDecorationsCollection;
  private theme: ThemeKind | undefined;

  constructor(
    sourceHost: HTMLElement,
    private readonly diffHost: HTMLElement,
    fontSource: HTMLElement,
  ) {
    registerWgsl();
    this.applyTheme(themeKindOf(document.body));
    const style = getComputedStyle(fontSource);
    const fontFamily = style.getPropertyValue("--vscode-editor-font-family").trim() || undefined;
    const fontSize = Number.parseFloat(style.getPropertyValue("--vscode-editor-font-size")) || 13;
    const common: monaco.editor.IEditorOptions = {
      readOnly: true,
      domReadOnly: true,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      renderLineHighlight: "none",
      contextmenu: false,
      fontFamily,
      fontSize,
      lineNumbersMinChars: 3,
      folding: false,
      links: false,
      occurrencesHighlight: "off",
      selectionHighlight: false,
      overviewRulerLanes: 0,
      scrollbar: { alwaysConsumeMouseWheel: false, horizontalScrollbarSize: scrollbarSize },
    };
    this.sourceModel = monaco.editor.createModel("", wgslLanguageId);
    this.source = monaco.editor.create(sourceHost, { ...common, model: this.sourceModel, ariaLabel: "Variant source" });
    this.decorations = this.source.createDecorationsCollection();
    this.diff = monaco.editor.createDiffEditor(diffHost, {
      ...common,
      originalEditable: false,
      renderSideBySide: true,
      // Side by side even in a narrow panel: the inline view draws deleted lines in a way the CSP blocks.
      useInlineViewWhenSpaceIsLimited: false,
      enableSplitViewResizing: false,
      renderOverviewRuler: false,
      renderIndicators: true,
      hideUnchangedRegions: { enabled: true, contextLineCount: 2, minimumLineCount: 4, revealLineCount: 10 },
      ariaLabel: "Variant against the baseline",
    });
    // Tests and screenshots wait for the diff of the latest variant through these attributes, not for time.
    this.diff.onDidUpdateDiff(() => {
      diffHost.dataset.changes = String(this.diff.getLineChanges()?.length ?? 0);
      diffHost.dataset.diffState = "ready";
      this.fitDiff();
    });
    // With unchanged regions folded the diff is short: the editor takes its height, so every change is in view.
    this.diff.getModifiedEditor().onDidContentSizeChange(() => this.fitDiff());
  }

  /** Shows a variant: its source with the substituted lines marked and in view, and its diff against the baseline. */
  show(view: VariantView): void {
    if (this.sourceModel.getValue() !== view.text) this.sourceModel.setValue(view.text);
    this.source.updateOptions({ ariaLabel: `Source of ${view.label}` });
    const lines = view.changedLines.filter((l) => l < this.sourceModel.getLineCount());
    this.decorations.set(
      lines.map((l) => ({
        range: new monaco.Range(l + 1, 1, l + 1, 1),
        options: { isWholeLine: true, className: "substituted-line", linesDecorationsClassName: "substituted-gutter", description: "substituted parameter" },
      })),
    );
    if (lines.length > 0) this.source.revealLinesInCenterIfOutsideViewport(Math.min(...lines) + 1, Math.max(...lines) + 1, monaco.editor.ScrollType.Immediate);
    else this.source.setScrollTop(0);
    this.diffHost.hidden = view.baseline === null;
    if (view.baseline !== null) {
      const old = this.diffModels;
      if (!old || old.original.getValue() !== view.baseline || old.modified.getValue() !== view.text) {
        // Fresh models per variant, not setValue: the diff then folds the unchanged regions anew, instead of
        // unfolding the one the reset cursor lands in.
        this.diffHost.dataset.diffState = "computing";
        this.diffModels = { original: monaco.editor.createModel(view.baseline, wgslLanguageId), modified: monaco.editor.createModel(view.text, wgslLanguageId) };
        this.diff.setModel(this.diffModels);
        old?.original.dispose();
        old?.modified.dispose();
      }
      this.diff.updateOptions({ ariaLabel: `${view.label} against the baseline` } as monaco.editor.IDiffEditorOptions);
    }
  }

  /** Follows the page's theme: Monaco's theme for the kind, on the panel's own background. */
  refreshTheme(): void {
    this.applyTheme(themeKindOf(document.body), true);
  }

  private fitDiff(): void {
    // The content, the horizontal scrollbar under it (long comment lines scroll sideways), and the border.
    const height = Math.min(maxDiffHeight, Math.max(minDiffHeight, this.diff.getModifiedEditor().getContentHeight() + scrollbarSize + 2));
    if (this.diffHost.style.height !== `${height}px`) this.diffHost.style.height = `${height}px`;
  }

  private applyTheme(kind: ThemeKind, force = false): void {
    if (kind === this.theme && !force) return;
    this.theme = kind;
    const style = getComputedStyle(document.documentElement);
    const colors: Record<string, string> = {};
    const background = hexColor(style.getPropertyValue("--vscode-editor-background"));
    const foreground = hexColor(style.getPropertyValue("--vscode-editor-foreground"));
    if (background) {
      colors["editor.background"] = background;
      colors["editorGutter.background"] = background;
    }
    if (foreground) colors["editor.foreground"] = foreground;
    monaco.editor.defineTheme(themeNames[kind], { base: themeBases[kind], inherit: true, rules: extraRules[kind], colors });
    monaco.editor.setTheme(themeNames[kind]);
  }
}
