// The one check every command makes on the kernel file it is given: it exists, is a file, and is not absurdly large.
import { existsSync, statSync } from "node:fs";
import { readCappedText } from "../run/readCapped";
import { UsageError } from "./args";

/** Far above any real kernel file; a larger input is a mistake (a binary, a log) that would stall the analysis. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Throws a usage error naming `shown` (the path as the user typed it) when `path` cannot be read as a kernel file. */
export function checkInputFile(path: string, shown: string = path): void {
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`cannot read '${shown}': no such file`);
  if (statSync(path).size > MAX_FILE_BYTES) throw new UsageError(`'${shown}' is larger than ${MAX_FILE_BYTES >> 20} MiB`);
}

/** The kernel file's text, with the same checks (and errors) as checkInputFile, read with the size cap. */
export function readInputFile(path: string, shown: string = path): string {
  checkInputFile(path, shown);
  const read = readCappedText(path, MAX_FILE_BYTES);
  if ("text" in read) return read.text;
  throw new UsageError(read.reason === "too-large" ? `'${shown}' is larger than ${MAX_FILE_BYTES >> 20} MiB` : `cannot read '${shown}': ${read.error}`);
}
