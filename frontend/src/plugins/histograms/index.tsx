// Histograms (offset/overlay ridgelines) and Distributions (percentile bands) of one data kind.
import { lazy } from "preact/compat";
import type { DashboardProps, DashboardSpec, SettingsProps } from "../../core/registry";
import { XAxisSetting } from "../../core/settings";
import type { ViewState } from "../../core/urlState";

const Histograms = lazy(() => import("./HistogramsDashboard").then((m) => ({
  default: (p: DashboardProps) => <m.HistogramsDashboard view={p.view} setView={p.setView} generation={p.generation} colors={p.colors} tags={p.tags} selectedRuns={p.selectedRuns} />,
})));
const Distributions = lazy(() => import("./DistributionsDashboard").then((m) => ({
  default: (p: DashboardProps) => <m.DistributionsDashboard view={p.view} setView={p.setView} generation={p.generation} colors={p.colors} tags={p.tags} selectedRuns={p.selectedRuns} />,
})));

function HistogramSettings({ view, setView }: SettingsProps) {
  return (
    <label class="row">Mode
      <select class="hist-mode" value={view.histMode} onChange={(e) => setView({ histMode: (e.target as HTMLSelectElement).value as ViewState["histMode"] })}>
        <option value="offset">Offset</option><option value="overlay">Overlay</option>
      </select>
    </label>
  );
}

export const dashboards: DashboardSpec[] = [
  { id: "histograms", label: "Histograms", order: 50, plugins: ["histograms"], runs: "tags", tagsPlugin: "histograms", component: Histograms, Settings: HistogramSettings },
  { id: "distributions", label: "Distributions", order: 60, plugins: ["histograms"], runs: "tags", tagsPlugin: "histograms", component: Distributions, Settings: (p: SettingsProps) => <XAxisSetting view={p.view} setView={p.setView} /> },
];
