import { describe, expect, it } from "vitest";
import { ancestors, buildModel, diff, groupId, initialExpansion, level, type GraphNode } from "./model";

const node = (name: string, op: string, inputs: string[] = [], attr: Record<string, unknown> = {}): GraphNode =>
  ({ name, op, inputs, device: "", attr });

const nodes = [
  node("input/x", "IO Node"),
  node("Net/conv/weight", "Parameter", [], { num_params: 108 }),
  node("Net/conv/out", "aten::conv", ["input/x", "Net/conv/weight"]),
  node("Net/relu", "aten::relu", ["Net/conv/out:0"]),
  node("loss", "Sum", ["Net/relu", "^loss/tags"]),
  node("loss/tags", "Const"),
  node("output/y", "IO Node", ["loss"]),
];

describe("graph model", () => {
  const m = buildModel(nodes);
  it("groups by name scope and sums operations and parameters", () => {
    expect(m.groups.get("Net")!.count).toBe(3);
    expect(m.groups.get("Net")!.params).toBe(108);
    expect(m.groups.get("")!.params).toBe(108);
    expect(ancestors(m, "Net/conv/out")).toEqual(["Net", "Net/conv"]);
  });
  it("puts a node named like a scope inside that scope's group", () => {
    expect(m.parentOf.get("loss")).toBe("loss");
    expect(level(m, "").children).toContain(groupId("loss"));
    expect(level(m, "loss").children.sort()).toEqual(["loss", "loss/tags"]);
  });
  it("projects edges onto one level, outputs and control inputs included", () => {
    const root = level(m, "");
    const pairs = root.edges.map((e) => `${e.source}->${e.target}`).sort();
    expect(pairs).toEqual(["Net/->loss/", "input/->Net/", "loss/->output/"]);
    const inside = level(m, "Net").edges.map((e) => `${e.source}->${e.target}`);
    expect(inside).toEqual(["Net/conv/->Net/relu"]);
  });
  it("lists consumers", () => {
    expect(m.consumers.get("Net/relu")).toEqual(["loss"]);
  });
  it("marks the nodes two graphs differ in, and their groups", () => {
    const other = buildModel([...nodes.slice(0, 3), node("Net/relu", "aten::gelu", ["Net/conv/out"]), ...nodes.slice(4)]);
    const marks = diff(m, other);
    expect(marks.get("Net/relu")).toBe("changed");
    expect(marks.get(groupId("Net"))).toBe("changed");
    expect(marks.has("Net/conv/out")).toBe(false);
    const extra = diff(buildModel([...nodes, node("Net/drop", "aten::dropout", ["Net/relu"])]), m);
    expect(extra.get("Net/drop")).toBe("added");
  });
  it("opens a scope wrapping nearly all of its level at first sight, and no other", () => {
    const layers = Array.from({ length: 18 }, (_, i) => node(`Model/layer${i % 6}/op${i}`, "X"));
    const wrapped = buildModel([node("in", "IO"), ...layers, node("out", "IO")]);
    expect([...initialExpansion(wrapped)]).toEqual(["Model"]);
    // a scope with just over half of the graph (TensorFlow's "gradients") stays closed
    const tf = buildModel([...Array.from({ length: 6 }, (_, i) => node(`gradients/g${i}`, "X")), ...Array.from({ length: 5 }, (_, i) => node(`layer/l${i}`, "X"))]);
    expect(initialExpansion(tf).size).toBe(0);
  });
});
