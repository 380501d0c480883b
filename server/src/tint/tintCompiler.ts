// Compiles WGSL with Tint, the WebGPU compiler inside Dawn, on Dawn's `null` backend: real diagnostics, no GPU needed.
import { loadDawn } from "./dawnLoader";

export interface TintMessage {
  readonly type: "error" | "warning" | "info";
  readonly message: string;
  /** UTF-16 offset and length in the compiled code (Dawn reports UTF-16 units, as the WebGPU spec asks). */
  readonly offset: number;
  readonly length: number;
  /** 1-based, as reported. */
  readonly lineNum: number;
  readonly linePos: number;
}

export interface TintResult {
  readonly messages: readonly TintMessage[];
  readonly ms: number;
}

/** Features the analysed code may `enable`; requested where the null adapter offers them. */
const WANTED_FEATURES = ["shader-f16", "subgroups", "clip-distances", "dual-source-blending", "primitive-index"];

export class TintCompiler {
  // The object returned by create() must stay referenced for the device's whole life, or Dawn crashes.
  private constructor(
    private readonly gpu: GPU,
    private device: GPUDevice,
    readonly features: readonly string[],
  ) {}

  /** Starts Dawn's null backend; an error string (never a throw) when Dawn is missing or refuses. */
  static async create(): Promise<TintCompiler | { error: string }> {
    const dawn = loadDawn();
    if ("error" in dawn) return dawn;
    try {
      const gpu = dawn.create(["backend=null"]);
      const adapter = await gpu.requestAdapter();
      if (!adapter) return { error: "Dawn's null backend offered no adapter" };
      const features = WANTED_FEATURES.filter((f) => adapter.features.has(f)) as GPUFeatureName[];
      const device = await adapter.requestDevice({ requiredFeatures: features });
      const compiler = new TintCompiler(gpu, device, features);
      compiler.watch(device);
      return compiler;
    } catch (err) {
      return { error: `Dawn's null backend failed to start: ${(err as Error).message}` };
    }
  }

  private watch(device: GPUDevice): void {
    // Uncaptured errors would otherwise be printed to stdout, which is the LSP channel in --stdio mode.
    device.addEventListener("uncapturederror", (e) => e.preventDefault());
    void device.lost.then(async () => {
      if (this.device !== device) return;
      try {
        const adapter = await this.gpu.requestAdapter();
        if (adapter) {
          this.device = await adapter.requestDevice({ requiredFeatures: this.features as GPUFeatureName[] });
          this.watch(this.device);
        }
      } catch {
        /* The next compile reports the failure. */
      }
    });
  }

  async compile(code: string): Promise<TintResult> {
    const started = performance.now();
    const device = this.device;
    device.pushErrorScope("validation");
    const module = device.createShaderModule({ code });
    const info = await module.getCompilationInfo();
    await device.popErrorScope();
    const messages = info.messages.map((m) => ({
      type: m.type,
      message: m.message,
      offset: m.offset,
      length: m.length,
      lineNum: m.lineNum,
      linePos: m.linePos,
    }));
    return { messages, ms: performance.now() - started };
  }

  dispose(): void {
    this.device.destroy();
    void this.gpu;
  }
}
