import { describe, expect, it } from "vitest";
import { groupKey, reduceGroup } from "./groups";

describe("groups", () => {
  it("reduces seeds to mean with a min-max band, on the union of their steps", () => {
    const r = reduceGroup([
      { x: [0, 1, 2], y: [1, 2, 3] },
      { x: [0, 2], y: [3, 5] },        // interpolated at x=1: 4
      { x: [1, 2, 3], y: [0, 0, 9] },  // nothing at x=0
    ], "mean", "minmax");
    expect(r.x).toEqual([0, 1, 2, 3]);
    expect(r.center).toEqual([2, 2, 8 / 3, 9]);
    expect(r.lo).toEqual([1, 0, 0, 9]);
    expect(r.hi).toEqual([3, 4, 5, 9]);
    expect(r.n).toEqual([2, 3, 3, 1]);
  });
  it("takes medians and standard deviations, skipping NaN", () => {
    const r = reduceGroup([{ x: [0], y: [1] }, { x: [0], y: [2] }, { x: [0], y: [10] }, { x: [0], y: [Number.NaN] }], "median", "std");
    expect(r.center).toEqual([2]);
    const sd = Math.sqrt(((1 - 13 / 3) ** 2 + (2 - 13 / 3) ** 2 + (10 - 13 / 3) ** 2) / 3);
    expect(r.lo[0]).toBeCloseTo(2 - sd);
    expect(r.hi[0]).toBeCloseTo(2 + sd);
  });
  it("names groups by hparam, tag or name pattern", () => {
    expect(groupKey("hp:lr", "a", { lr: 0.1 }, [])).toBe("lr=0.1");
    expect(groupKey("tag", "a", {}, ["baseline", "x"])).toBe("baseline");
    expect(groupKey("re:_seed\\d+", "adam_seed3", {}, [])).toBe("adam");
  });
});
