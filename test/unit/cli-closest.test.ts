// The command line's "did you mean": the nearest known word when it is near enough, nothing otherwise.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { closestMatch, didYouMean } from "../../server/src/cli/closest";

describe("closest match", () => {
  it("suggests the command or option a typo was meant to be", () => {
    assert.equal(closestMatch("analyz", ["analyze", "devices", "run"]), "analyze");
    assert.equal(closestMatch("--jsn", ["--json", "--sarif", "--device"]), "--json");
    assert.equal(closestMatch("--devcie", ["--json", "--sarif", "--device"]), "--device");
    // A prefix of a longer word counts.
    assert.equal(closestMatch("calib", ["calibrate", "report"]), "calibrate");
  });

  it("says nothing for a word far from every candidate", () => {
    assert.equal(closestMatch("frobnicate", ["analyze", "devices", "run"]), undefined);
    assert.equal(didYouMean("frobnicate", ["analyze"]), "");
    assert.equal(didYouMean("sweeep", ["sweep"]), ": did you mean 'sweep'?");
  });
});
