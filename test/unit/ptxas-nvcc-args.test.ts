// Tests the pure choices behind a resources compile (server/src/cuda/nvccArgs.ts): the target for a device, the device
// flags kept from a project's compile line, compile_commands.json reading, and the dependency file nvcc writes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  archNumber,
  chooseCudaArch,
  deviceFlags,
  findCompileCommand,
  NVCC13_ARCHS,
  nvccArguments,
  parseCompileCommands,
  parseDepFile,
  splitCommandLine,
} from "../../server/src/cuda/nvccArgs";

describe("chooseCudaArch: the target for a device", () => {
  it("a compute capability nvcc targets maps to its sm_XX", () => {
    assert.deepEqual(chooseCudaArch("8.6"), { arch: "sm_86", note: null });
    assert.deepEqual(chooseCudaArch("9.0"), { arch: "sm_90", note: null });
    assert.deepEqual(chooseCudaArch("12.0"), { arch: "sm_120", note: null });
    assert.deepEqual(chooseCudaArch("7.5"), { arch: "sm_75", note: null });
    assert.deepEqual(chooseCudaArch("sm_89"), { arch: "sm_89", note: null });
    assert.deepEqual(chooseCudaArch("100"), { arch: "sm_100", note: null });
  });

  it("Volta (7.0) compiles for sm_75 under nvcc 13, and says so", () => {
    const c = chooseCudaArch("7.0", NVCC13_ARCHS, "13.0.88");
    assert.ok("arch" in c);
    assert.equal(c.arch, "sm_75");
    assert.match(c.note ?? "", /compute capability 7\.0 \(Volta\) is older than every target of nvcc 13\.0\.88: compiled for sm_75 \(Turing\)/);
    assert.match(c.note ?? "", /approximation/);
    assert.equal((chooseCudaArch("6.1") as { arch: string }).arch, "sm_75");
  });

  it("an architecture this nvcc does not list compiles for the newest target below it", () => {
    const c = chooseCudaArch("10.1", NVCC13_ARCHS, "13.0.88");
    assert.ok("arch" in c);
    assert.equal(c.arch, "sm_100");
    assert.match(c.note ?? "", /nvcc 13\.0\.88 has no sm_101 target: compiled for sm_100 \(Blackwell\)/);
    // An older nvcc (12.x listed sm_70) still compiles Volta for sm_70.
    assert.deepEqual(chooseCudaArch("7.0", ["sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_90"]), { arch: "sm_70", note: null });
  });

  it("refuses what is not a compute capability, without throwing", () => {
    for (const bad of ["", "ampere", "8.", "sm_", "x86", null as unknown as string]) {
      assert.ok("error" in chooseCudaArch(bad), String(bad));
    }
    assert.equal(archNumber("compute_90"), 90);
    assert.equal(archNumber(" 8.9 "), 89);
  });
});

describe("splitCommandLine: compile_commands.json's command strings", () => {
  it("splits on blanks and honours quotes and backslashes", () => {
    assert.deepEqual(splitCommandLine(`/usr/local/cuda/bin/nvcc -DNAME="a b" -I'/path with/space' -DQ=\\"x\\" a\\ b.cu`), [
      "/usr/local/cuda/bin/nvcc",
      "-DNAME=a b",
      "-I/path with/space",
      '-DQ="x"',
      "a b.cu",
    ]);
    assert.deepEqual(splitCommandLine(`  x   ""  'y' `), ["x", "", "y"]);
    assert.deepEqual(splitCommandLine(""), []);
  });
});

describe("deviceFlags: what of a project's compile line reaches the resources compile", () => {
  // A CMake 3.28 + Ninja compile line for a CUDA target (the shape CMake writes).
  const CMAKE = splitCommandLine(
    "/usr/local/cuda/bin/nvcc -forward-unknown-to-host-compiler -DUSE_FP16 -DKERNEL_BLOCK=256 -I/src/include -I../third_party/cutlass/include " +
      "-isystem /usr/local/cuda/include -O3 -DNDEBUG -std=c++17 \"--generate-code=arch=compute_80,code=[compute_80,sm_80]\" " +
      "-Xcompiler=-fPIC --expt-relaxed-constexpr -Xcompiler -fopenmp -MD -MT CMakeFiles/k.dir/k.cu.o -MF CMakeFiles/k.dir/k.cu.o.d " +
      "-x cu -c /src/k.cu -o CMakeFiles/k.dir/k.cu.o",
  );

  it("keeps -D, -I, -isystem, -std and --expt-relaxed-constexpr; makes relative include paths absolute", () => {
    const f = deviceFlags(CMAKE, { directory: "/src/build" });
    assert.deepEqual(f.flags, [
      "-DUSE_FP16",
      "-DKERNEL_BLOCK=256",
      "-I/src/include",
      "-I/src/third_party/cutlass/include",
      "-isystem",
      "/usr/local/cuda/include",
      "-DNDEBUG",
      "-std=c++17",
      "--expt-relaxed-constexpr",
    ]);
  });

  it("drops outputs, targets, dependency files, host-compiler options and the rest, and lists them", () => {
    const f = deviceFlags(CMAKE, { directory: "/src/build" });
    assert.deepEqual(f.dropped, [
      "-forward-unknown-to-host-compiler",
      "-O3",
      "--generate-code=arch=compute_80,code=[compute_80,sm_80]",
      "-Xcompiler=-fPIC",
      "-Xcompiler -fopenmp",
      "-MD",
      "-MT CMakeFiles/k.dir/k.cu.o",
      "-MF CMakeFiles/k.dir/k.cu.o.d",
      "-x cu",
      "-c",
      "-o CMakeFiles/k.dir/k.cu.o",
    ]);
    assert.ok(!f.flags.includes("/src/k.cu"), "the source file is not a flag");
  });

  it("a value that looks like an option goes with the option that owns it", () => {
    // -Xcompiler -DHOST_ONLY defines a macro for the host compiler alone: it must not reach the device compile.
    const f = deviceFlags(["nvcc", "-Xcompiler", "-DHOST_ONLY", "-Xptxas", "-O0", "-arch", "sm_70", "-gencode", "arch=compute_70,code=sm_70", "-DDEV"]);
    assert.deepEqual(f.flags, ["-DDEV"]);
    assert.deepEqual(f.dropped, ["-Xcompiler -DHOST_ONLY", "-Xptxas -O0", "-arch sm_70", "-gencode arch=compute_70,code=sm_70"]);
  });

  it("keeps the separated and long spellings, and code-generation options that change registers", () => {
    const f = deviceFlags(
      [
        "-I",
        "inc",
        "--include-path=/abs",
        "-D",
        "N=4",
        "--define-macro",
        "M",
        "-U",
        "OLD",
        "--std",
        "c++20",
        "--use_fast_math",
        "-maxrregcount=64",
        "-rdc=true",
        "--extended-lambda",
        "-Xcudafe",
        "--diag_suppress=177",
        "--options-file",
        "includes_CUDA.rsp",
        "-G",
        "-lineinfo",
      ],
      { directory: "/proj/build" },
    );
    assert.deepEqual(f.flags, [
      "-I",
      "/proj/build/inc",
      "--include-path=/abs",
      "-D",
      "N=4",
      "--define-macro",
      "M",
      "-U",
      "OLD",
      "--std",
      "c++20",
      "--use_fast_math",
      "-maxrregcount=64",
      "-rdc=true",
      "--extended-lambda",
      "-Xcudafe",
      "--diag_suppress=177",
      "--options-file",
      "/proj/build/includes_CUDA.rsp",
    ]);
    assert.deepEqual(f.dropped, ["-G", "-lineinfo"]);
  });

  it("without a directory, paths stay as written; junk never throws", () => {
    assert.deepEqual(deviceFlags(["-Irel", "-isystem", "sys"]).flags, ["-Irel", "-isystem", "sys"]);
    assert.deepEqual(deviceFlags(["-I"]), { flags: [], dropped: ["-I"] });
    assert.deepEqual(deviceFlags(null as unknown as string[]), { flags: [], dropped: [] });
    assert.deepEqual(deviceFlags([1, "-DX", {}] as unknown as string[]).flags, ["-DX"]);
  });
});

describe("compile_commands.json", () => {
  const DB = JSON.stringify([
    { directory: "/proj/build", file: "../src/gemm.cu", command: "nvcc -I../include -DTILE=64 -c ../src/gemm.cu -o gemm.o" },
    { directory: "/proj/build", file: "/proj/src/host.cpp", arguments: ["g++", "-I/proj/include", "-c", "/proj/src/host.cpp"] },
    { directory: "/proj/build", file: "/proj/src/kernels/softmax.cu", arguments: ["nvcc", "-DSOFTMAX", "-c", "/proj/src/kernels/softmax.cu"] },
    { file: "no-directory.cu", command: "nvcc" },
    42,
  ]);

  it("reads `command` and `arguments` entries and skips malformed ones", () => {
    const db = parseCompileCommands(DB);
    assert.ok("entries" in db);
    assert.equal(db.entries.length, 3);
    assert.deepEqual(db.entries[0]!.arguments, ["nvcc", "-I../include", "-DTILE=64", "-c", "../src/gemm.cu", "-o", "gemm.o"]);
    assert.match((parseCompileCommands("{") as { error: string }).error, /not valid JSON/);
    assert.match((parseCompileCommands("{}") as { error: string }).error, /not a JSON array/);
  });

  it("finds a file's own entry (relative `file` resolved against `directory`)", () => {
    const db = parseCompileCommands(DB) as { entries: never[] };
    const found = findCompileCommand(db.entries, "/proj/src/gemm.cu");
    assert.equal(found?.inferred, false);
    assert.equal((found?.entry as { file: string }).file, "../src/gemm.cu");
    const flags = deviceFlags(found!.entry["arguments"], { directory: "/proj/build" });
    assert.deepEqual(flags.flags, ["-I/proj/include", "-DTILE=64"]);
  });

  it("a file the database does not list borrows the nearest CUDA entry, marked inferred", () => {
    const db = parseCompileCommands(DB) as { entries: never[] };
    const found = findCompileCommand(db.entries, "/proj/src/kernels/new_kernel.cu");
    assert.equal(found?.inferred, true);
    assert.equal((found?.entry as { file: string }).file, "/proj/src/kernels/softmax.cu");
    assert.equal(findCompileCommand([], "/x.cu"), null);
  });
});

describe("the resources compile's arguments and its dependency file", () => {
  it("puts the file's own folder first, then the project's flags, then extra include paths, then the fixed part", () => {
    const args = nvccArguments({
      arch: "sm_86",
      quoteDirs: ["/proj/src"],
      flags: ["-DTILE=64", "-std=c++17"],
      includePaths: ["/opt/cutlass/include"],
      input: "/tmp/kl/kernellens-input.cu",
      output: "/tmp/kl/out.cubin",
      depFile: "/tmp/kl/deps.d",
    });
    assert.deepEqual(args, [
      "-I",
      "/proj/src",
      "-DTILE=64",
      "-std=c++17",
      "-I",
      "/opt/cutlass/include",
      "-arch=sm_86",
      "-cubin",
      "-lineinfo",
      "-Xptxas",
      "-v",
      "--generate-nonsystem-dependencies-with-compile",
      "--dependency-output",
      "/tmp/kl/deps.d",
      "-o",
      "/tmp/kl/out.cubin",
      "/tmp/kl/kernellens-input.cu",
    ]);
  });

  it("reads nvcc's dependency file (continuations and escaped blanks)", () => {
    const text = "/tmp/kl/out.cubin : /tmp/kl/kernellens-input.cu \\\n    /usr/local/cuda/include/cuda_runtime.h \\\n    /proj/my\\ dir/hdr.h \\\n    /proj/src/k.cu\n";
    assert.deepEqual(parseDepFile(text), ["/tmp/kl/kernellens-input.cu", "/usr/local/cuda/include/cuda_runtime.h", "/proj/my dir/hdr.h", "/proj/src/k.cu"]);
    assert.deepEqual(parseDepFile(""), []);
  });
});
