import { expect, test } from "vitest";
import { smooth } from "./smoothing";

test("weight 0 returns the input", () => {
  expect(smooth([1, 2, 3], 0)).toEqual([1, 2, 3]);
});

test("debiased EMA: the first point is unchanged, later ones follow the formula", () => {
  const out = smooth([1, 3], 0.5);
  expect(out[0]).toBe(1);
  // last = 0.5*0.5 + 0.5*3 = 1.75 ; debias 1 - 0.25 = 0.75
  expect(out[1]).toBeCloseTo(1.75 / 0.75, 12);
});

test("NaN passes through and does not advance the counter", () => {
  const out = smooth([1, Number.NaN, 3], 0.5);
  expect(Number.isNaN(out[1])).toBe(true);
  expect(out[2]).toBeCloseTo(1.75 / 0.75, 12);
});

test("a constant series stays constant", () => {
  expect(smooth([2, 2, 2], 0.9)).toEqual([2, 2, 2]);
});
