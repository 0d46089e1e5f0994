// Audio: a player per tag and run, with a step slider.
import { lazy } from "preact/compat";
import type { DashboardProps, DashboardSpec } from "../../core/registry";

const Dash = lazy(() => import("./AudioDashboard").then((m) => ({
  default: (p: DashboardProps) => <m.AudioDashboard view={p.view} setView={p.setView} generation={p.generation} colors={p.colors} labels={p.labels} tags={p.tags} selectedRuns={p.selectedRuns} />,
})));

export const dashboards: DashboardSpec[] = [{
  id: "audio", label: "Audio", order: 40, plugins: ["audio"], runs: "tags", tagsPlugin: "audio", component: Dash,
}];
