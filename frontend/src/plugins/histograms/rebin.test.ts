import { describe, expect, it } from "vitest";
import { range, rebin } from "./rebin";

describe("rebin", () => {
  it("keeps the total count and spreads a wide bucket evenly", () => {
    const out = rebin([[0, 2, 4], [2, 4, 2]], 0, 4, 4);
    expect(out).toEqual([2, 2, 1, 1]);
  });
  it("puts zero-width buckets in one cell and finds the range", () => {
    expect(range([[[1, 1, 3]]])).toEqual([0.5, 1.5]);
    expect(rebin([[1, 1, 3]], 0.5, 1.5, 2)).toEqual([0, 3]);
  });
});
