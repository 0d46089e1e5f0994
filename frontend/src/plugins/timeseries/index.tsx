// Time series: scalars, images and histograms together, grouped by tag prefix, with a type
// filter (no data of its own: it shows what the scalars, images and histograms plugins hold).
import { lazy } from "preact/compat";
import type { DashboardProps, DashboardSpec } from "../../core/registry";
import { LineSettings } from "../../core/settings";

const Dash = lazy(() => import("./TimeSeriesDashboard").then((m) => ({
  default: (p: DashboardProps) => <m.TimeSeriesDashboard view={p.view} setView={p.setView} generation={p.generation} colors={p.colors}
    labels={p.labels} groups={p.groups} scalarTags={p.scalarTags} selectedRuns={p.selectedRuns} plugins={p.plugins} />,
})));

export const dashboards: DashboardSpec[] = [{
  id: "timeseries", label: "Time series", order: 15, plugins: ["scalars", "images", "histograms"], runs: "all",
  component: Dash, Settings: LineSettings, url: { tstypes: "scalars,images,histograms" },
}];
