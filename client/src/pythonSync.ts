// Which Python documents reach the language server: only those that import triton. The document selector has to
// name Python for Triton files to be synchronised at all, so without this every Python file the user opens would be
// sent to the server, and each keystroke with it. Here a Python document is sent (didOpen) the first time its text
// imports triton, and from then on like any other; one that never does costs one regular expression per open and
// change, and its editor features (hovers, lenses, symbols, hints) are never asked of the server.
import type * as vscode from "vscode";
import type { Middleware } from "vscode-languageclient/node";
import { importsTriton } from "../../server/src/engine";
import { isPythonDocument } from "./analysedDocuments";

export class PythonSync {
  /** URIs of Python documents the server has been sent (and not yet told were closed). */
  private readonly sent = new Set<string>();
  /**
   * The client's didOpen sender, for a held document that starts importing triton: every document passes through
   * `didOpen` before its first change, so it is known by then.
   */
  private openLater: ((document: vscode.TextDocument) => Promise<void>) | undefined;

  /** Whether a document is a Python one the server does not have: nothing about it is sent or asked. */
  private held(document: Pick<vscode.TextDocument, "uri" | "languageId" | "fileName">): boolean {
    return isPythonDocument(document) && !this.sent.has(document.uri.toString());
  }

  /** The middleware's part that decides, and the features it keeps from asking about held documents. */
  middleware(): Middleware {
    const skip = <R>(document: vscode.TextDocument, empty: R, ask: () => R): R => (this.held(document) ? empty : ask());
    return {
      didOpen: async (document, next) => {
        this.openLater = next;
        if (!isPythonDocument(document)) return next(document);
        if (!importsTriton(document.getText())) return;
        this.sent.add(document.uri.toString());
        return next(document);
      },
      didChange: async (event, next) => {
        const document = event.document;
        if (!isPythonDocument(document)) return next(event);
        if (this.sent.has(document.uri.toString())) return next(event);
        // Held back until now: sent whole, as an open, the first time it imports triton.
        if (importsTriton(document.getText()) && this.openLater) {
          this.sent.add(document.uri.toString());
          return this.openLater(document);
        }
      },
      didSave: async (document, next) => (this.held(document) ? undefined : next(document)),
      didClose: async (document, next) => {
        if (this.held(document)) return;
        this.sent.delete(document.uri.toString());
        return next(document);
      },
      provideHover: (document, position, token, next) => skip(document, null, () => next(document, position, token)),
      provideCodeLenses: (document, token, next) => skip(document, [], () => next(document, token)),
      provideDocumentSymbols: (document, token, next) => skip(document, [], () => next(document, token)),
      provideInlayHints: (document, range, token, next) => skip(document, [], () => next(document, range, token)),
      provideCodeActions: (document, range, context, token, next) => skip(document, [], () => next(document, range, context, token)),
      provideDefinition: (document, position, token, next) => skip(document, null, () => next(document, position, token)),
      provideReferences: (document, position, options, token, next) => skip(document, [], () => next(document, position, options, token)),
      provideCompletionItem: (document, position, context, token, next) => skip(document, [], () => next(document, position, context, token)),
    };
  }

}
