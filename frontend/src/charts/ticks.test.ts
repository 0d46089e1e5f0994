import { describe, expect, it } from "vitest";
import { distinctLabels, niceStep, niceTicks, tickLabel } from "./ticks";

describe("nice ticks", () => {
  it("picks round values inside the range", () => {
    expect(niceTicks(-0.086141, 0.091, 4)).toEqual([-0.05, 0, 0.05]);
    expect(niceTicks(-0.086141, 0.091, 8)).toEqual([-0.08, -0.06, -0.04, -0.02, 0, 0.02, 0.04, 0.06, 0.08]);
    expect(niceTicks(0, 1000, 5)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
  it("labels with the digits the step needs", () => {
    expect(tickLabel(0.05, niceStep(0.18, 4))).toBe("0.05");
    expect(tickLabel(-0.1, 0.05)).toBe("-0.10");
    expect(tickLabel(400, 200)).toBe("400");
    expect(tickLabel(2e-5, 1e-5)).toBe("2.0e-5");
  });
});

describe("distinct axis labels", () => {
  it("gives a small rounded range the digits it needs", () => {
    // A learning rate from 0.001 to 0.003, ticks every 0.0005: never "0.002, 0.002".
    const labels = distinctLabels([0.001, 0.0015, 0.002, 0.0025, 0.003], 0.0005);
    expect(labels).toEqual(["0.0010", "0.0015", "0.0020", "0.0025", "0.0030"]);
  });
  it("adds digits when the spacing given is too coarse for the values", () => {
    const labels = distinctLabels([0.0015, 0.002, 0.0025, 0.003], 0.001);
    expect(new Set(labels).size).toBe(4);
    expect(labels).toEqual(["0.0015", "0.0020", "0.0025", "0.0030"]);
  });
  it("keeps round numbers round", () => {
    expect(distinctLabels([0, 200, 400], 200)).toEqual(["0", "200", "400"]);
    expect(distinctLabels([10000, 20000], 10000)).toEqual(["10,000", "20,000"]);
    expect(distinctLabels([-0.1, 0, 0.1], 0.1)).toEqual(["-0.1", "0.0", "0.1"]);
    expect(distinctLabels([2e-6, 4e-6], 2e-6)).toEqual(["2e-6", "4e-6"]);
    expect(distinctLabels([1e-6, 1.5e-6], 5e-7)).toEqual(["1.0e-6", "1.5e-6"]);
    expect(distinctLabels([2e9, 2.5e9], 5e8)).toEqual(["2.0e9", "2.5e9"]);
  });
  it("writes every tick exactly when the spacing has more digits than its magnitude", () => {
    expect(distinctLabels([1.0075, 1.01, 1.0125], 0.0025)).toEqual(["1.0075", "1.0100", "1.0125"]);
    expect(distinctLabels([0, 0.25, 0.5], 0.25)).toEqual(["0.00", "0.25", "0.50"]);
  });
  it("writes a float that is almost zero as zero", () => {
    expect(distinctLabels([-0.2, 5.551115123125783e-17, 0.2], 0.2)).toEqual(["-0.2", "0.0", "0.2"]);
  });
});
