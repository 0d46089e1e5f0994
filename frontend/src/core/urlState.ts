// View state kept in the URL (query string), so a link reopens the same view.
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
}

export const DEFAULT_STATE: ViewState = {
  hidden: [], runFilter: "", tagFilter: "", smoothing: 0.6, xAxis: "step",
  logY: false, logX: false, ignoreOutliers: true, pinned: [], dark: false,
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
  const url = `${window.location.pathname}?${q}`;
  window.history.replaceState(null, "", url);
}

export function safeRegex(pattern: string): RegExp | null {
  try { return new RegExp(pattern, "i"); } catch { return null; }
}
