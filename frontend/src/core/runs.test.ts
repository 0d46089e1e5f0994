import { describe, expect, it } from "vitest";
import type { RunRow, RunTable } from "../api/client";
import { filterRuns, shownColumns, sortRuns, statMetrics } from "./runs";

const row = (name: string, lr: number, opt: string, loss: number | null, tags: string[] = []): RunRow => ({
  name, display_name: "", color: "", auto_color: "", tags, notes: "", status: "finished", status_reason: "", started: 1, last_write: 2,
  duration: 1, hparams: { lr, optimizer: opt }, last: loss === null ? {} : { loss }, stats: {},
});

const rows = new Map([row("a", 0.1, "adam", 0.5), row("b", 0.001, "adam", 0.2, ["best"]), row("c", 0.001, "sgd", null), row("d", 0.01, "sgd", Number.NaN)].map((r) => [r.name, r]));
const names = [...rows.keys()];

describe("runs table logic", () => {
  it("filters by expression over hparams, metrics and tags, or by regex", () => {
    expect(filterRuns(names, rows, 'lr < 0.01 and optimizer == "adam"').names).toEqual(["b"]);
    expect(filterRuns(names, rows, "loss > 0.1").names).toEqual(["a", "b"]);
    expect(filterRuns(names, rows, '"best" in tags').names).toEqual(["b"]);
    expect(filterRuns(names, rows, "^[ab]$")).toMatchObject({ names: ["a", "b"], kind: "regex" });
  });
  it("sorts by any column, blanks and NaN last in both directions", () => {
    const label = (n: string) => n;
    expect(sortRuns(names, rows, "m:loss:asc", label)).toEqual(["b", "a", "d", "c"]);
    expect(sortRuns(names, rows, "m:loss:desc", label)).toEqual(["a", "b", "d", "c"]);
    expect(sortRuns(names, rows, "hp:optimizer:desc", label)).toEqual(["c", "d", "a", "b"]);
    expect(sortRuns(names, rows, "name:desc", label)).toEqual(["d", "c", "b", "a"]);
  });
  it("reads the stats a filter expression names, whether or not their columns show", () => {
    // The README's example: without loss's stats every run's best.loss is null and nothing matches.
    expect(statMetrics(["status"], "best.loss < 0.5")).toEqual(["loss"]);
    expect(statMetrics(["best:acc"], "min.val/loss < 1 or max.acc > 0.9 and lr < 0.1")).toEqual(["acc", "val/loss"]);
    expect(statMetrics([], "^sweep")).toEqual([]);
  });
  it("shows hyperparameters and the sweep's metrics when the table is expanded and no columns were chosen", () => {
    const table = { hparams: ["lr", "width"], metrics: ["loss", "lr_now", "val/accuracy"], hparam_metrics: [] } as unknown as RunTable;
    expect(shownColumns([], table)).toEqual(["status", "hp:lr", "hp:width", "m:loss", "m:val/accuracy"]);
    expect(shownColumns([], { ...table, hparam_metrics: ["val/accuracy"] })).toEqual(["status", "hp:lr", "hp:width", "m:val/accuracy"]);
    expect(shownColumns(["tags"], table)).toEqual(["tags"]);
  });
});
