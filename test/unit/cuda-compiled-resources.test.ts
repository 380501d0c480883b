// Matching ptxas's demangled kernel names to the analysed kernels (core/cuda/compiledResources.ts), and the model's
// exact resources: occupancy from ptxas's registers and static shared memory, marked exact, nothing else changed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { exactResourcesOf, findCompiledKernel, parseDemangledName } from "../../server/src/core/cuda/compiledResources";

const k = (demangled: string, registers = 32, sharedMemoryBytes: number | null = 0) => ({ demangled, registers, sharedMemoryBytes });

describe("compiled kernels: demangled names", () => {
  it("reads the function name and template arguments", () => {
    assert.deepEqual(parseDemangledName("void reduce<256>(float const*, float*, int)"), { name: "reduce", templateArgs: ["256"] });
    assert.deepEqual(parseDemangledName("sgemm(int, int, int, float const*, float*)"), { name: "sgemm", templateArgs: null });
    assert.deepEqual(parseDemangledName("void ns::tile<float, 16u, (Layout)1>(float*)"), { name: "tile", templateArgs: ["float", "16u", "(Layout)1"] });
    assert.deepEqual(parseDemangledName("void (anonymous namespace)::k<(int)4>(float*)"), { name: "k", templateArgs: ["(int)4"] });
    assert.deepEqual(parseDemangledName("my_extern_c_kernel"), { name: "my_extern_c_kernel", templateArgs: null });
    for (const bad of ["", "(", ")(", "<1>()", 42 as unknown as string]) assert.equal(parseDemangledName(bad), null);
  });

  it("matches by function name and template arguments; ambiguous or absent gives none", () => {
    const list = [k("void reduce<256>(float const*)", 30), k("void reduce<512u>(float const*)", 40), k("sgemm(int)", 20), k("over(int)"), k("over(float)")];
    assert.equal(findCompiledKernel("reduce", ["256"], list)?.registers, 30);
    assert.equal(findCompiledKernel("reduce", ["512"], list)?.registers, 40);
    assert.equal(findCompiledKernel("reduce", ["1024"], list), undefined);
    assert.equal(findCompiledKernel("reduce", [], list), undefined);
    assert.equal(findCompiledKernel("sgemm", [], list)?.registers, 20);
    assert.equal(findCompiledKernel("over", [], list), undefined);
    assert.equal(findCompiledKernel("sgemm", [], undefined), undefined);
    assert.equal(findCompiledKernel("sgemm", [], null as never), undefined);
  });

  it("gives the model ptxas's figures; no smem field is 0 bytes", () => {
    assert.deepEqual(exactResourcesOf(k("k()", 12, null)), { registers: 12, staticSharedBytes: 0, source: "ptxas" });
    assert.equal(exactResourcesOf(undefined), undefined);
  });
});
