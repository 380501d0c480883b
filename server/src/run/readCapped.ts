// Reads a file the engine did not write itself (an include, a `.npy` input, a history, a profile, a cache entry)
// with a cap on its size: the one place such reads happen, so a huge or endless file (a device, a pipe, a log that
// was renamed .wgsl) can never stall or exhaust the process.
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from "node:fs";
import { formatBytes } from "../core/format";

export type CappedRead = { readonly bytes: Buffer; readonly size: number } | ReadFailure;

export type ReadFailure =
  /**
   * `missing`: no such file; `not-a-file`: a folder, a device or a pipe; `too-large`: over the cap (`size` says by
   * how much); `unreadable`: anything else (permissions), with the system's words in `error`.
   */
  { readonly error: string; readonly reason: "missing" | "not-a-file" | "too-large" | "unreadable"; readonly size?: number };

/** Opens without blocking on a pipe (POSIX); the descriptor is checked to be a regular file before anything is read. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function failure(path: string, err: unknown): ReadFailure {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return { error: `no such file: ${path}`, reason: "missing" };
  return { error: `cannot read ${path}: ${code ?? (err as Error).message}`, reason: "unreadable" };
}

/** Reads `length` bytes at `position` (or to the end), stopping early only at the end of the file. */
function readRange(fd: number, length: number, position: number): Buffer {
  const buffer = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buffer, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buffer : buffer.subarray(0, got);
}

/**
 * Opens a regular file (refusing folders, devices and pipes before and after opening: opening some special files
 * has effects of its own), hands its descriptor and size to `read`, and closes it whatever happens.
 */
function withRegularFile<T>(path: string, read: (fd: number, size: number) => T | ReadFailure): T | ReadFailure {
  let fd: number;
  try {
    if (!statSync(path).isFile()) return { error: `${path} is not a regular file`, reason: "not-a-file" };
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    return failure(path, err);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { error: `${path} is not a regular file`, reason: "not-a-file" };
    return read(fd, stat.size);
  } catch (err) {
    return failure(path, err);
  } finally {
    closeSync(fd);
  }
}

/**
 * The whole file when it is a regular file of at most `maxBytes`; otherwise why not. A file that grows while it is
 * read is cut at the cap and refused, as if it had been that large to begin with.
 */
export function readCapped(path: string, maxBytes: number): CappedRead {
  return withRegularFile<CappedRead>(path, (fd, size) => {
    if (size > maxBytes) return { error: `${path} is ${formatBytes(size)}, more than the ${formatBytes(maxBytes)} allowed`, reason: "too-large", size };
    // One byte more than allowed tells a file that grew after the stat from one that did not.
    const bytes = readRange(fd, maxBytes + 1, 0);
    if (bytes.length > maxBytes) return { error: `${path} is more than the ${formatBytes(maxBytes)} allowed`, reason: "too-large", size: bytes.length };
    return { bytes, size: bytes.length };
  });
}

/** `readCapped` as UTF-8 text. */
export function readCappedText(path: string, maxBytes: number): { readonly text: string } | ReadFailure {
  const read = readCapped(path, maxBytes);
  return "error" in read ? read : { text: read.bytes.toString("utf8") };
}

export type TailRead = { readonly bytes: Buffer; readonly size: number; readonly truncated: boolean } | ReadFailure;

/**
 * The whole lines among the last `maxBytes` of a file (all of it when smaller): for logs that only grow, where the
 * newest lines matter. `truncated` says older lines were left out; the bytes start at the beginning of a line.
 */
export function readTailLines(path: string, maxBytes: number): TailRead {
  return withRegularFile<TailRead>(path, (fd, size) => {
    const start = Math.max(0, size - maxBytes);
    if (start === 0) return { bytes: readRange(fd, size, 0), size, truncated: false };
    // One byte before the window says whether it starts on a line of its own; if not, its first line is a fragment.
    const window = readRange(fd, maxBytes + 1, start - 1);
    const cut = window[0] === 0x0a ? 1 : window.indexOf(0x0a, 1) + 1;
    return { bytes: cut <= 0 ? Buffer.alloc(0) : window.subarray(cut), size, truncated: true };
  });
}
