// View state kept in the URL (query string), so a link reopens the same view. Dashboards
// declare their own keys (DashboardSpec.url); those live in `ext`.
import { EXT_DEFAULTS } from "./registry";

export interface ViewState {
  hidden: string[];        // runs switched off
  runFilter: string;
  tagFilter: string;
  smoothing: number;
  xAxis: "step" | "relative" | "wall";
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
}

export const DEFAULT_STATE: ViewState = {
  hidden: [], runFilter: "", tagFilter: "", smoothing: 0.6, xAxis: "step",
  logY: false, logX: false, ignoreOutliers: true, pinned: [], dark: false,
  dash: "", brightness: 1, contrast: 1, actualSize: false, histMode: "offset", markdown: true,
  hpView: "table", hpSession: "", exClass: "", exStep: -1, exCompare: -1, ext: {},
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
    xAxis: xs === "relative" || xs === "wall" ? xs : "step",
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
  };
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
  const url = `${window.location.pathname}?${q}`;
  window.history.replaceState(null, "", url);
}

export function safeRegex(pattern: string): RegExp | null {
  try { return new RegExp(pattern, "i"); } catch { return null; }
}
