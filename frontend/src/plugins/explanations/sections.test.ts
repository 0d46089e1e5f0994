import { describe, expect, it } from "vitest";
import { runSections } from "./ExplanationsDashboard";

const item = (run: string, key: string) => ({ run, key });
const names = (items: { run: string; key: string }[]) => runSections(items).map((s) => [s.name, s.items.map((i) => i.run)]);

describe("runSections", () => {
  it("keeps one training's tf-explain runs (a method each) together", () => {
    expect(names([item("grad_cam_4/20240101", "4\nGrad CAM"), item("smoothgrad_4/20240101", "4\nSmoothGrad")]))
      .toEqual([["", ["grad_cam_4/20240101", "smoothgrad_4/20240101"]]]);
  });
  it("splits runs logging the same methods, by run", () => {
    expect(names([item("a", "4\nIG"), item("a", "4\nSaliency"), item("b", "4\nIG"), item("b", "4\nSaliency")]))
      .toEqual([["a", ["a", "a"]], ["b", ["b", "b"]]]);
  });
  it("splits two trainings' tf-explain runs by their first folder", () => {
    expect(names([item("a/grad_cam_4/t", "4\nGrad CAM"), item("a/smoothgrad_4/t", "4\nSmoothGrad"), item("b/grad_cam_4/t", "4\nGrad CAM")]))
      .toEqual([["a", ["a/grad_cam_4/t", "a/smoothgrad_4/t"]], ["b", ["b/grad_cam_4/t"]]]);
  });
  it("names a run shown alone", () => {
    expect(names([item("only", "4\nIG")])).toEqual([["only", ["only"]]]);
  });
});
