// Scalars: one chart per tag, every run a line (the default dashboard, in the main bundle).
import type { DashboardSpec } from "../../core/registry";
import { LineSettings } from "../../core/settings";
import { ScalarsDashboard } from "./ScalarsDashboard";

export const dashboards: DashboardSpec[] = [{
  id: "scalars", label: "Scalars", order: 10, plugins: ["scalars"], runs: "scalars",
  component: (p) => <ScalarsDashboard tags={p.scalarTags ?? {}} selectedRuns={p.selectedRuns} colors={p.colors} labels={p.labels} groups={p.groups} view={p.view} setView={p.setView} generation={p.generation} />,
  Settings: LineSettings,
}];
