import { test } from "node:test";
import assert from "node:assert/strict";
import { smooth } from "./smoothing.ts";

test("weight 0 returns the input", () => {
  assert.deepEqual(smooth([1, 2, 3], 0), [1, 2, 3]);
});

test("debiased EMA: the first point is unchanged, later ones follow the formula", () => {
  const out = smooth([1, 3], 0.5);
  assert.equal(out[0], 1);
  // last = 0.5*0.5 + 0.5*3 = 1.75 ; debias 1 - 0.25 = 0.75
  assert.ok(Math.abs(out[1] - 1.75 / 0.75) < 1e-12);
});

test("NaN passes through and does not advance the counter", () => {
  const out = smooth([1, Number.NaN, 3], 0.5);
  assert.ok(Number.isNaN(out[1]));
  assert.ok(Math.abs(out[2] - 1.75 / 0.75) < 1e-12);
});

test("a constant series stays constant", () => {
  assert.deepEqual(smooth([2, 2, 2], 0.9), [2, 2, 2]);
});
