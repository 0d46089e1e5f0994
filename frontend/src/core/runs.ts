// The runs table's logic, without the view: which fields a filter expression can name, the
// columns a table can show, and sorting by any of them.
import type { RunRow, RunTable } from "../api/client";
import { compileFilter, type Lookup, type Value } from "./filterExpr";

// Names an expression can use: name, display (display name), status, tags, started, duration,
// any hyperparameter by its name, any scalar tag (its newest value), best.<tag> / min.<tag> /
// max.<tag> for metrics whose stats were read.
export function runLookup(row: RunRow | undefined, name: string): Lookup {
  return (field: string): Value | Value[] => {
    if (field === "name" || field === "run") return name;
    if (!row) return null;
    switch (field) {
      case "display": case "display_name": return row.display_name || name;
      case "status": return row.status;
      case "tags": return row.tags;
      case "started": return row.started;
      case "duration": return row.duration;
      case "notes": return row.notes;
    }
    if (field in row.hparams) return row.hparams[field];
    if (field.startsWith("hp.") && field.slice(3) in row.hparams) return row.hparams[field.slice(3)];
    if (field in row.last) return row.last[field];
    const dot = field.indexOf(".");
    if (dot > 0) {
      const stat = field.slice(0, dot) as "best" | "min" | "max" | "last";
      const s = row.stats[field.slice(dot + 1)];
      if (s && stat in s) return s[stat];
    }
    return null;
  };
}

export function filterRuns(names: string[], rows: Map<string, RunRow>, text: string): { names: string[]; kind: string; error?: string } {
  const f = compileFilter(text);
  return { names: names.filter((n) => f.test(n, runLookup(rows.get(n), n))), kind: f.kind, error: f.error };
}

export interface Column { id: string; label: string; title: string; numeric: boolean }

export function columnsOf(hparams: string[], metrics: string[]): Column[] {
  return [
    { id: "status", label: "status", title: "running / finished / crashed", numeric: false },
    { id: "tags", label: "tags", title: "your tags", numeric: false },
    { id: "started", label: "started", title: "when the run's first event file was created", numeric: true },
    { id: "duration", label: "duration", title: "first to newest write", numeric: true },
    ...hparams.map((h) => ({ id: `hp:${h}`, label: h, title: `hyperparameter ${h}`, numeric: true })),
    ...metrics.map((m) => ({ id: `m:${m}`, label: m, title: `newest value of ${m}`, numeric: true })),
    ...metrics.map((m) => ({ id: `best:${m}`, label: `best ${m}`, title: `best value of ${m} (and its step)`, numeric: true })),
    ...metrics.map((m) => ({ id: `min:${m}`, label: `min ${m}`, title: `lowest value of ${m}`, numeric: true })),
  ];
}

export function cellValue(row: RunRow | undefined, id: string): Value | Value[] {
  if (!row) return null;
  if (id === "status") return row.status;
  if (id === "tags") return row.tags;
  if (id === "started") return row.started;
  if (id === "duration") return row.duration;
  if (id.startsWith("hp:")) return row.hparams[id.slice(3)] ?? null;
  if (id.startsWith("m:")) return row.last[id.slice(2)] ?? null;
  if (id.startsWith("best:")) return row.stats[id.slice(5)]?.best ?? null;
  if (id.startsWith("min:")) return row.stats[id.slice(4)]?.min ?? null;
  return null;
}

// Metrics whose series stats the server must read for these columns and for the filter
// expression (`best.loss < 0.5` needs loss's best value whether or not its column shows).
export function statMetrics(cols: string[], filter = ""): string[] {
  const fromCols = cols.filter((c) => c.startsWith("best:") || c.startsWith("min:")).map((c) => c.slice(c.indexOf(":") + 1));
  const fromFilter = compileFilter(filter).fields.flatMap((f) => {
    const m = /^(best|min|max)\.(.+)$/.exec(f);
    return m ? [m[2]] : [];
  });
  return [...new Set([...fromCols, ...fromFilter])].sort();
}

// The columns the expanded table shows: the user's choice, or (none made yet) the status, every
// hyperparameter and the metrics that matter — those the hparams sessions name, else the
// losses and accuracies, newest values.
export function shownColumns(runCols: string[], table: RunTable | null): string[] {
  if (runCols.length) return runCols;
  if (!table) return ["status"];
  const named = table.hparam_metrics ?? [];
  const key = named.length ? named : table.metrics.filter((m) => /loss|acc|error|perplexity|f1|auc|score/i.test(m)).slice(0, 6);
  return ["status", ...table.hparams.map((h) => `hp:${h}`), ...key.map((m) => `m:${m}`)];
}

function rank(v: Value | Value[]): [number, number | string] {
  if (v === null || v === undefined) return [2, 0];          // empty cells last, whatever the direction
  if (Array.isArray(v)) return [0, v.join(",")];
  if (typeof v === "number") return Number.isNaN(v) ? [1, 0] : [0, v];
  if (typeof v === "boolean") return [0, v ? 1 : 0];
  return [0, v];
}

// "<column>:asc|desc"; "" sorts by (display) name. Stable; blanks and NaN go last.
export function sortRuns(names: string[], rows: Map<string, RunRow>, sort: string, label: (n: string) => string): string[] {
  const cut = sort.lastIndexOf(":");
  const col = cut > 0 ? sort.slice(0, cut) : "";
  const desc = sort.endsWith(":desc");
  if (!col || col === "name") {
    const out = [...names].sort((a, b) => label(a).localeCompare(label(b), undefined, { numeric: true }));
    return desc ? out.reverse() : out;
  }
  const keyed = names.map((n) => ({ n, r: rank(cellValue(rows.get(n), col)) }));
  keyed.sort((a, b) => {
    if (a.r[0] !== b.r[0]) return a.r[0] - b.r[0];
    if (a.r[0] !== 0) return 0;
    const x = a.r[1], y = b.r[1];
    const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    return desc ? -c : c;
  });
  return keyed.map((k) => k.n);
}
