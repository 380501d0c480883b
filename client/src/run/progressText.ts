// The words of a run's progress notification. VS Code shows "title: message", so the title names the action and the
// entry point once ("KernelLens: running matmul_tiled") and each message says only the step ("timed run 2 of 5"),
// never "running matmul_tiled: running matmul_tiled".

/** The notification's title: what is done to which entry point. */
export function runProgressTitle(mode: "run" | "profile", entry: string): string {
  return `KernelLens: ${mode === "profile" ? "profiling" : "running"} ${entry}`;
}

/** The notification's message for one progress report of the engine: its step, which leaves the entry's name to the title. */
export function runProgressMessage(message: string, step: string | undefined): string {
  return step ?? message;
}
