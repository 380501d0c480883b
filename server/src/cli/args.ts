// Parses the `kernellens` command line into a typed request, with errors a person can act on.

export interface CliArgs {
  readonly command: string;
  readonly files: readonly string[];
  readonly json: boolean;
  readonly sarif: boolean;
  readonly device: string | undefined;
  /** `--let K=V` and `--override K=V`: values that win over the file's directives. */
  readonly lets: ReadonlyMap<string, number>;
  readonly defines: readonly string[];
  readonly includePaths: readonly string[];
  readonly noTint: boolean;
  readonly help: boolean;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): CliArgs {
  const files: string[] = [];
  const lets = new Map<string, number>();
  const defines: string[] = [];
  const includePaths: string[] = [];
  let json = false;
  let sarif = false;
  let device: string | undefined;
  let noTint = false;
  let help = false;
  let command = "";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const eq = a.indexOf("=");
      if (a.startsWith("--") && eq > 0 && !["--let", "--override"].includes(a.slice(0, eq))) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === "--json") json = true;
    else if (a === "--sarif") sarif = true;
    else if (a === "--no-tint") noTint = true;
    else if (a === "-h" || a === "--help") help = true;
    else if (a === "--device" || a.startsWith("--device=")) device = value();
    else if (a === "--define" || a.startsWith("--define=") || a === "-D") defines.push(value());
    else if (a === "--include" || a.startsWith("--include=") || a === "-I") includePaths.push(value());
    else if (a === "--let" || a === "--override") {
      const kv = argv[++i];
      const m = kv ? /^([A-Za-z_]\w*)=(.+)$/.exec(kv) : null;
      const n = m ? Number(m[2]) : NaN;
      if (!m || !Number.isFinite(n)) throw new UsageError(`${a} needs NAME=NUMBER, got '${kv ?? ""}'`);
      lets.set(m[1], n);
    } else if (a.startsWith("-")) throw new UsageError(`unknown option '${a}'`);
    else if (!command) command = a;
    else files.push(a);
  }
  if (json && sarif) throw new UsageError("choose one of --json and --sarif");
  return { command, files, json, sarif, device, lets, defines, includePaths, noTint, help };
}

export const usage = `kernellens: GPU kernel analysis from the command line

Usage:
  kernellens analyze FILE... [--json | --sarif] [--device ID] [--let NAME=VALUE]... [--define NAME[=V]]... [--include DIR]...
  kernellens devices [--json]
  kernellens doctor [--json]

Commands:
  analyze   WGSL diagnostics (Tint and KernelLens) and the kernels of each file.
            --json   one JSON object per file, one per line (see README: "CLI contract")
            --sarif  a SARIF 2.1.0 log for code-scanning tools
            --no-tint  skip the WGSL compiler (KernelLens's own parser only)
            --device ID  the GPU to model (kernellens devices lists them); --let NAME=VALUE sets a size
  devices   the device database: every GPU the cost model knows, with the public source of each figure
  doctor    whether the WGSL compiler (Tint) and a GPU adapter are available, and what to install if not

Exit codes: 0 no errors, 1 error diagnostics found, 2 bad usage or unreadable input, 3 no compiler or GPU adapter
(doctor).
`;
