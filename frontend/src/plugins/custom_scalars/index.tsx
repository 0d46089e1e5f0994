// Custom scalars: the charts a logged layout asks for (several tags per chart, margin bands).
import { lazy } from "preact/compat";
import type { DashboardProps, DashboardSpec } from "../../core/registry";
import { LineSettings } from "../../core/settings";

const Dash = lazy(() => import("./CustomScalarsDashboard").then((m) => ({
  default: (p: DashboardProps) => <m.CustomScalarsDashboard view={p.view} generation={p.generation} colors={p.colors} labels={p.labels} scalarTags={p.scalarTags ?? {}} selectedRuns={p.selectedRuns} />,
})));

export const dashboards: DashboardSpec[] = [{
  id: "custom_scalars", label: "Custom scalars", order: 20, plugins: ["custom_scalars"], runs: "scalars",
  component: Dash, Settings: LineSettings,
}];
