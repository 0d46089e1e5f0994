// Explanations: attribution maps per sample, class and step, two steps side by side.
import { lazy } from "preact/compat";
import type { DashboardProps, DashboardSpec } from "../../core/registry";

const Dash = lazy(() => import("./ExplanationsDashboard").then((m) => ({
  default: (p: DashboardProps) => <m.ExplanationsDashboard view={p.view} setView={p.setView} generation={p.generation} colors={p.colors} tags={p.tags} selectedRuns={p.selectedRuns} />,
})));

export const dashboards: DashboardSpec[] = [{
  id: "explanations", label: "Explanations", order: 110, plugins: ["explanations"], runs: "tags", tagsPlugin: "explanations", component: Dash,
}];
