// Mesh: a three.js viewer per run and tag, with a step slider.
import { lazy } from "preact/compat";
import type { DashboardProps, DashboardSpec } from "../../core/registry";

const Dash = lazy(() => import("./MeshDashboard").then((m) => ({
  default: (p: DashboardProps) => <m.MeshDashboard view={p.view} generation={p.generation} colors={p.colors} labels={p.labels} selectedRuns={p.selectedRuns} />,
})));

export const dashboards: DashboardSpec[] = [{
  id: "mesh", label: "Mesh", order: 100, plugins: ["mesh"], runs: "all", component: Dash,
}];
