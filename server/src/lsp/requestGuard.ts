// Every request that waits for an analysis waits at most so long, and stops waiting when the client cancels it.
//
// The analysis itself goes on (the diagnostics need it, and the next request will find it done); only the request
// stops: with RequestCancelled when the client cancelled it, and ServerCancelled (LSP 3.17: the client may ask
// again) when the deadline passed, e.g. while the author keeps typing into a document that takes long to parse.
import { type CancellationToken, LSPErrorCodes, ResponseError } from "vscode-languageserver";

export function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, "request cancelled");
}

/** Resolves with `work`, or rejects with a ResponseError when `token` is cancelled or `deadlineMs` passes first. */
export function within<T>(work: Promise<T>, token: CancellationToken | undefined, deadlineMs: number, what: string): Promise<T> {
  if (token?.isCancellationRequested) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      done();
      reject(new ResponseError(LSPErrorCodes.ServerCancelled, `${what} is still being analysed after ${deadlineMs} ms; ask again`));
    }, deadlineMs);
    const subscription = token?.onCancellationRequested(() => {
      done();
      reject(cancelled());
    });
    function done(): void {
      clearTimeout(timer);
      subscription?.dispose();
    }
    work.then(
      (value) => {
        done();
        if (token?.isCancellationRequested) reject(cancelled());
        else resolve(value);
      },
      (err: unknown) => {
        done();
        reject(err);
      },
    );
  });
}
