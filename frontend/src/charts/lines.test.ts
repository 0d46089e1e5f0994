import { describe, expect, it } from "vitest";
import { groupLines, valueAtSteps, xAxisLines } from "./lines";

const series = (run: string, step: number[], value: number[]) => ({ run, tag: "t", total: step.length, step, wall_time: step.map((s) => 100 + s), value });

describe("lines", () => {
  it("puts another scalar on the x axis, read at each step", () => {
    const epoch = series("a", [0, 10, 20], [0, 1, 2]);
    expect(valueAtSteps([0, 5, 10, 20, 25], epoch)).toEqual([0, 0.5, 1, 2, Number.NaN]);
    const [l] = xAxisLines([series("a", [0, 5, 10], [3, 2, 1])], "tag:epoch", [epoch], 0, { a: "#000000" }, { a: "A" });
    expect(l.x).toEqual([0, 0.5, 1]);
    expect(l.label).toBe("A");
    expect(l.steps).toEqual([0, 5, 10]);
  });
  it("folds runs into one line per group with a band", () => {
    const runs = xAxisLines([series("s1", [0, 1], [1, 3]), series("s2", [0, 1], [3, 5]), series("other", [0, 1], [9, 9])], "step", null, 0, {}, {});
    const ls = groupLines(runs, { s1: "cfg", s2: "cfg", other: "other" }, "mean", "minmax", 0, {});
    expect(ls.map((l) => [l.label, l.note])).toEqual([["cfg", "(2 runs)"], ["other", "(1 run)"]]);
    expect(ls[0].smoothed).toEqual([2, 4]);
    expect(ls[0].band).toEqual({ lo: [1, 3], hi: [3, 5] });
    expect(ls[0].steps).toEqual([0, 1]);
  });
});
