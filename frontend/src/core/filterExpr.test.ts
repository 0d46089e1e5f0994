import { describe, expect, it } from "vitest";
import { compileFilter, type Value } from "./filterExpr";

const runs: Record<string, Record<string, Value | Value[]>> = {
  "lr0.1_adam": { lr: 0.1, optimizer: "adam", tags: ["baseline"], "loss/train": 0.5, status: "finished" },
  "lr0.001_adam": { lr: 0.001, optimizer: "adam", tags: [], "loss/train": 0.2, status: "running" },
  "lr0.001_sgd": { lr: 0.001, optimizer: "sgd", tags: ["x"], "loss/train": Number.NaN, status: "crashed" },
};

function matches(text: string): string[] {
  const f = compileFilter(text);
  return Object.keys(runs).filter((name) => f.test(name, (k) => (k === "name" ? name : runs[name][k] ?? null)));
}

describe("run filter", () => {
  it("evaluates comparisons with and/or/not and parentheses", () => {
    expect(matches('lr < 0.01 and optimizer == "adam"')).toEqual(["lr0.001_adam"]);
    expect(matches("lr >= 0.01 or optimizer = 'sgd'")).toEqual(["lr0.1_adam", "lr0.001_sgd"]);
    expect(matches('not (optimizer == "adam")')).toEqual(["lr0.001_sgd"]);
    expect(matches("loss/train < 0.3")).toEqual(["lr0.001_adam"]); // NaN compares false
    expect(matches("`loss/train` > 0.3")).toEqual(["lr0.1_adam"]);
  });
  it("matches run tags with `in` and regexes with ~", () => {
    expect(matches('"baseline" in tags')).toEqual(["lr0.1_adam"]);
    expect(matches('name ~ "sgd$"')).toEqual(["lr0.001_sgd"]);
    expect(matches('unknown == null and status != "crashed"')).toEqual(["lr0.1_adam", "lr0.001_adam"]);
  });
  it("falls back to a regex over the name", () => {
    expect(compileFilter("adam").kind).toBe("regex");
    expect(matches("adam")).toEqual(["lr0.1_adam", "lr0.001_adam"]);
    expect(matches("^lr0\\.001")).toEqual(["lr0.001_adam", "lr0.001_sgd"]);
    const bad = compileFilter("lr < (");
    expect(bad.kind).toBe("invalid");
    expect(bad.error).toBeTruthy();
  });
});
