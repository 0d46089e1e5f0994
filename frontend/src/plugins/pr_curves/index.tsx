// PR curves: precision against recall per tag, a step slider, runs overlaid.
import { lazy } from "preact/compat";
import type { DashboardProps, DashboardSpec } from "../../core/registry";

const Dash = lazy(() => import("./PrCurvesDashboard").then((m) => ({
  default: (p: DashboardProps) => <m.PrCurvesDashboard view={p.view} setView={p.setView} generation={p.generation} colors={p.colors} labels={p.labels} tags={p.tags} selectedRuns={p.selectedRuns} />,
})));

export const dashboards: DashboardSpec[] = [{
  id: "pr_curves", label: "PR curves", order: 80, plugins: ["pr_curves"], runs: "tags", tagsPlugin: "pr_curves", component: Dash,
}];
