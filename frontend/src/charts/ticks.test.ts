import { describe, expect, it } from "vitest";
import { niceTicks, niceStep, tickLabel } from "./ticks";

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
