// View state kept in the URL (query string), so a link reopens the same view. Dashboards
// declare their own keys (DashboardSpec.url); those live in `ext`.
import { EXT_DEFAULTS } from "./registry";

export interface ViewState {
  hidden: string[];        // runs switched off
  runFilter: string;
  tagFilter: string;
  smoothing: number;
  xAxis: XAxis;
  logY: boolean;
  logX: boolean;
  ignoreOutliers: boolean;
  pinned: string[];
  dark: boolean;
  dash: string;            // active dashboard ("" = the first with data)
  brightness: number;      // images: CSS filter factors (1 = unchanged)
  contrast: number;
  actualSize: boolean;
  histMode: "offset" | "overlay";
  markdown: boolean;       // text: render markdown (else raw)
  hpView: "table" | "parallel" | "scatter";
  hpSession: string;       // hparams: the session whose curves are open
  exClass: string;         // explanations: the class shown ("" = every class)
  exStep: number;          // explanations: the step shown (-1 = the newest)
  exCompare: number;       // explanations: a second step side by side (-1 = none)
  ext: Record<string, string>; // the dashboards' own keys (DashboardSpec.url)
  runSort: string;         // runs table: "<column>:asc|desc" ("" = by name)
  runCols: string[];       // runs table columns shown (status, started, duration, tags, hp:<name>, m:<tag>, best:<tag>); [] = the defaults (runs.ts shownColumns)
  wideRuns: boolean;       // runs table expanded over the dashboard
  groupBy: string;         // "" | "hp:<name>" | "tag" | "re:<pattern>"
  groupAgg: "mean" | "median";
  groupBand: "minmax" | "std" | "none";
  pinStep: number | null;  // step pinned on every chart
  stepRange: [number, number] | null; // step range selected (per-run min/max/mean/change)
  tipSort: "value" | "nearest" | "name";
  tipRows: number;
  cardX: Record<string, XAxis>; // per-chart x axis (overrides xAxis)
  reloadSecs: number;      // auto reload every N seconds (0: off)
  cardWidth: number;       // the narrowest a card may be (px); cards fill the row
}

// The horizontal axis: step, time since the run's first point, wall-clock time, or any other
// scalar the run logs (`tag:epoch`), read at each step.
export type XAxis = "step" | "relative" | "wall" | `tag:${string}`;

function xAxisOf(v: string | null): XAxis {
  return v === "relative" || v === "wall" || (v?.startsWith("tag:") && v.length > 4) ? (v as XAxis) : "step";
}

export const DEFAULT_STATE: ViewState = {
  hidden: [], runFilter: "", tagFilter: "", smoothing: 0.6, xAxis: "step",
  logY: false, logX: false, ignoreOutliers: true, pinned: [], dark: false,
  dash: "", brightness: 1, contrast: 1, actualSize: false, histMode: "offset", markdown: true,
  hpView: "table", hpSession: "", exClass: "", exStep: -1, exCompare: -1, ext: {},
  runSort: "", runCols: [], wideRuns: false, groupBy: "", groupAgg: "mean", groupBand: "minmax",
  pinStep: null, stepRange: null, tipSort: "value", tipRows: 12, cardX: {}, reloadSecs: 3, cardWidth: 420,
};

export function readState(): ViewState {
  const q = new URLSearchParams(window.location.search);
  const list = (k: string) => (q.get(k) ? q.get(k)!.split("\n").filter(Boolean) : []);
  const xs = q.get("x");
  return {
    hidden: list("hide"),
    runFilter: q.get("runs") ?? "",
    tagFilter: q.get("tags") ?? "",
    smoothing: q.has("smooth") ? Number(q.get("smooth")) : DEFAULT_STATE.smoothing,
    xAxis: xAxisOf(xs),
    logY: q.get("logy") === "1",
    logX: q.get("logx") === "1",
    ignoreOutliers: q.get("outliers") !== "0",
    pinned: list("pin"),
    dark: q.has("dark") ? q.get("dark") === "1" : window.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false,
    dash: q.get("dash") ?? "",
    brightness: q.has("bright") ? Number(q.get("bright")) : 1,
    contrast: q.has("contrast") ? Number(q.get("contrast")) : 1,
    actualSize: q.get("actual") === "1",
    histMode: q.get("hist") === "overlay" ? "overlay" : "offset",
    markdown: q.get("md") !== "0",
    hpView: q.get("hp") === "parallel" || q.get("hp") === "scatter" ? (q.get("hp") as ViewState["hpView"]) : "table",
    hpSession: q.get("session") ?? "",
    exClass: q.get("class") ?? "",
    exStep: q.has("exstep") ? Number(q.get("exstep")) : -1,
    exCompare: q.has("compare") ? Number(q.get("compare")) : -1,
    ext: Object.fromEntries(Object.entries(EXT_DEFAULTS).map(([k, d]) => [k, q.get(k) ?? d])),
    runSort: q.get("sort") ?? "",
    runCols: q.has("cols") ? list("cols") : DEFAULT_STATE.runCols,
    wideRuns: q.get("wide") === "1",
    groupBy: q.get("group") ?? "",
    groupAgg: q.get("agg") === "median" ? "median" : "mean",
    groupBand: q.get("band") === "std" || q.get("band") === "none" ? (q.get("band") as "std" | "none") : "minmax",
    pinStep: q.has("step") && Number.isFinite(Number(q.get("step"))) ? Number(q.get("step")) : null,
    stepRange: parseRange(q.get("range")),
    tipSort: q.get("tipsort") === "nearest" || q.get("tipsort") === "name" ? (q.get("tipsort") as "nearest" | "name") : "value",
    tipRows: q.has("tiprows") ? Math.max(1, Number(q.get("tiprows")) || 12) : 12,
    cardX: parseCardX(q.get("cardx")),
    reloadSecs: q.has("reload") ? Math.max(0, Number(q.get("reload")) || 0) : 3,
    cardWidth: q.has("cardw") ? Math.min(2000, Math.max(200, Number(q.get("cardw")) || 420)) : 420,
  };
}

function parseRange(v: string | null): [number, number] | null {
  const m = v?.split(":").map(Number);
  return m && m.length === 2 && m.every(Number.isFinite) ? [Math.min(m[0], m[1]), Math.max(m[0], m[1])] : null;
}

function parseCardX(v: string | null): Record<string, XAxis> {
  if (!v) return {};
  try {
    const o = JSON.parse(v) as Record<string, string>;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, xAxisOf(x)]));
  } catch { return {}; }
}

export function writeState(s: ViewState): void {
  const q = new URLSearchParams();
  if (s.hidden.length) q.set("hide", s.hidden.join("\n"));
  if (s.runFilter) q.set("runs", s.runFilter);
  if (s.tagFilter) q.set("tags", s.tagFilter);
  if (s.smoothing !== DEFAULT_STATE.smoothing) q.set("smooth", String(s.smoothing));
  if (s.xAxis !== "step") q.set("x", s.xAxis);
  if (s.logY) q.set("logy", "1");
  if (s.logX) q.set("logx", "1");
  if (!s.ignoreOutliers) q.set("outliers", "0");
  if (s.pinned.length) q.set("pin", s.pinned.join("\n"));
  q.set("dark", s.dark ? "1" : "0");
  if (s.dash) q.set("dash", s.dash);
  if (s.brightness !== 1) q.set("bright", String(s.brightness));
  if (s.contrast !== 1) q.set("contrast", String(s.contrast));
  if (s.actualSize) q.set("actual", "1");
  if (s.histMode !== "offset") q.set("hist", s.histMode);
  if (!s.markdown) q.set("md", "0");
  if (s.hpView !== "table") q.set("hp", s.hpView);
  if (s.hpSession) q.set("session", s.hpSession);
  if (s.exClass) q.set("class", s.exClass);
  if (s.exStep >= 0) q.set("exstep", String(s.exStep));
  if (s.exCompare >= 0) q.set("compare", String(s.exCompare));
  for (const [k, v] of Object.entries(s.ext)) if (v !== (EXT_DEFAULTS[k] ?? "")) q.set(k, v);
  if (s.runSort) q.set("sort", s.runSort);
  if (s.runCols.join("\n") !== DEFAULT_STATE.runCols.join("\n")) q.set("cols", s.runCols.join("\n"));
  if (s.wideRuns) q.set("wide", "1");
  if (s.groupBy) q.set("group", s.groupBy);
  if (s.groupAgg !== "mean") q.set("agg", s.groupAgg);
  if (s.groupBand !== "minmax") q.set("band", s.groupBand);
  if (s.pinStep !== null) q.set("step", String(s.pinStep));
  if (s.stepRange) q.set("range", `${s.stepRange[0]}:${s.stepRange[1]}`);
  if (s.tipSort !== "value") q.set("tipsort", s.tipSort);
  if (s.tipRows !== 12) q.set("tiprows", String(s.tipRows));
  if (Object.keys(s.cardX).length) q.set("cardx", JSON.stringify(s.cardX));
  if (s.reloadSecs !== 3) q.set("reload", String(s.reloadSecs));
  if (s.cardWidth !== 420) q.set("cardw", String(s.cardWidth));
  const url = `${window.location.pathname}?${q}`;
  window.history.replaceState(null, "", url);
}

export function safeRegex(pattern: string): RegExp | null {
  try { return new RegExp(pattern, "i"); } catch { return null; }
}
