// What the client said it supports in `initialize`, and the server's answers shaped to fit it.
//
// The server must work with any client that speaks the base protocol: every optional capability it relies on is
// checked here, once, and answers are downgraded where the client lacks one (plain text instead of Markdown, plain
// insert text instead of snippets, a flat symbol list instead of a tree), so no feature sends what the client
// cannot show and no handler asks the client for something it never offered.
import {
  type ClientCapabilities,
  type CompletionItem,
  type DocumentSymbol,
  type Hover,
  type InitializeParams,
  InsertTextFormat,
  type MarkupContent,
  MarkupKind,
  type SymbolInformation,
} from "vscode-languageserver";
import { URI } from "vscode-uri";

export interface ClientSupport {
  /** `workspace/configuration`: settings can be fetched; without it the defaults apply. */
  readonly configuration: boolean;
  /** `workspace/workspaceFolders`: folders come with `initialize` and change with `workspace/didChangeWorkspaceFolders`. */
  readonly workspaceFolders: boolean;
  readonly codeLensRefresh: boolean;
  readonly inlayHintRefresh: boolean;
  readonly hoverMarkdown: boolean;
  readonly completionMarkdown: boolean;
  readonly snippets: boolean;
  /** `DocumentSymbol[]` (a tree); otherwise `SymbolInformation[]` (flat, with locations). */
  readonly hierarchicalSymbols: boolean;
}

/** What a client that advertised nothing gets: the base protocol. */
export const baseSupport: ClientSupport = {
  configuration: false,
  workspaceFolders: false,
  codeLensRefresh: false,
  inlayHintRefresh: false,
  hoverMarkdown: false,
  completionMarkdown: false,
  snippets: false,
  hierarchicalSymbols: false,
};

export function clientSupport(c: ClientCapabilities | undefined): ClientSupport {
  const ws = c?.workspace;
  const td = c?.textDocument;
  return {
    configuration: ws?.configuration === true,
    workspaceFolders: ws?.workspaceFolders === true,
    codeLensRefresh: ws?.codeLens?.refreshSupport === true,
    inlayHintRefresh: ws?.inlayHint?.refreshSupport === true,
    hoverMarkdown: (td?.hover?.contentFormat ?? []).includes(MarkupKind.Markdown),
    completionMarkdown: (td?.completion?.completionItem?.documentationFormat ?? []).includes(MarkupKind.Markdown),
    snippets: td?.completion?.completionItem?.snippetSupport === true,
    hierarchicalSymbols: td?.documentSymbol?.hierarchicalDocumentSymbolSupport === true,
  };
}

/**
 * The workspace's folders as paths: `workspaceFolders` where the client sent them, else `rootUri`, else the
 * deprecated `rootPath`; none for a client that opened single files.
 */
export function initialFolders(params: Pick<InitializeParams, "workspaceFolders" | "rootUri" | "rootPath">): string[] {
  const paths = (uris: readonly string[]): string[] =>
    uris.flatMap((u) => {
      try {
        const parsed = URI.parse(u);
        return parsed.scheme === "file" ? [parsed.fsPath] : [];
      } catch {
        return [];
      }
    });
  if (params.workspaceFolders && params.workspaceFolders.length > 0) return paths(params.workspaceFolders.map((f) => f.uri));
  if (params.rootUri) return paths([params.rootUri]);
  if (params.rootPath) return [params.rootPath];
  return [];
}

function plain(content: MarkupContent): MarkupContent {
  return content.kind === MarkupKind.Markdown ? { kind: MarkupKind.PlainText, value: content.value } : content;
}

/** Markdown becomes plain text (the same words; the fences stay readable) for a client that shows only text. */
export function hoverFor(hover: Hover | null, support: ClientSupport): Hover | null {
  if (!hover || support.hoverMarkdown) return hover;
  const c = hover.contents;
  return typeof c === "object" && c !== null && "kind" in c ? { ...hover, contents: plain(c) } : hover;
}

/**
 * A snippet's plain text: each placeholder becomes its default (`${1:N}` → `N`, `${1|a,b|}` → `a`), tab stops go
 * (`$1`, `${2}`), escapes are undone.
 */
export function snippetToPlain(snippet: string): string {
  let i = 0;
  const parse = (stopAt: string | undefined): string => {
    let text = "";
    while (i < snippet.length) {
      const ch = snippet[i];
      if (ch === "\\" && i + 1 < snippet.length) {
        text += snippet[i + 1];
        i += 2;
      } else if (stopAt !== undefined && ch === stopAt) {
        return text;
      } else if (ch === "$" && /[0-9]/.test(snippet[i + 1] ?? "")) {
        i++;
        while (/[0-9]/.test(snippet[i] ?? "")) i++;
      } else if (ch === "$" && snippet[i + 1] === "{" && /[0-9]/.test(snippet[i + 2] ?? "")) {
        i += 2;
        while (/[0-9]/.test(snippet[i] ?? "")) i++;
        if (snippet[i] === ":") {
          i++;
          text += parse("}");
        } else if (snippet[i] === "|") {
          i++;
          const choices = parse("|");
          text += choices.split(",")[0];
          if (snippet[i] === "|") i++;
        }
        if (snippet[i] === "}") i++;
      } else {
        text += ch;
        i++;
      }
    }
    return text;
  };
  return parse(undefined);
}

export function completionFor(items: CompletionItem[], support: ClientSupport): CompletionItem[] {
  if (support.snippets && support.completionMarkdown) return items;
  return items.map((item) => {
    let out = item;
    if (!support.snippets && item.insertTextFormat === InsertTextFormat.Snippet) {
      out = { ...out, insertText: snippetToPlain(item.insertText ?? item.label), insertTextFormat: InsertTextFormat.PlainText };
    }
    if (!support.completionMarkdown && typeof item.documentation === "object" && item.documentation !== null) {
      out = { ...out, documentation: plain(item.documentation) };
    }
    return out;
  });
}

/** The outline as the client takes it: the tree, or the same symbols flattened with their container's name. */
export function symbolsFor(uri: string, symbols: DocumentSymbol[], support: ClientSupport): DocumentSymbol[] | SymbolInformation[] {
  if (support.hierarchicalSymbols) return symbols;
  const flat: SymbolInformation[] = [];
  const walk = (list: readonly DocumentSymbol[], container: string | undefined): void => {
    for (const s of list) {
      flat.push({ name: s.name, kind: s.kind, location: { uri, range: s.range }, ...(container !== undefined ? { containerName: container } : {}) });
      if (s.children) walk(s.children, s.name);
    }
  };
  walk(symbols, undefined);
  return flat;
}
