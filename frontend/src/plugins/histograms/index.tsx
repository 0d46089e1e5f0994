// Histograms (offset/overlay ridgelines) and Distributions (percentile bands) of one data kind.
import { lazy } from "preact/compat";
import type { DashboardProps, DashboardSpec, SettingsProps } from "../../core/registry";
import { CardWidth, XAxisSetting } from "../../core/settings";
import type { ViewState } from "../../core/urlState";

const Histograms = lazy(() => import("./HistogramsDashboard").then((m) => ({
  default: (p: DashboardProps) => <m.HistogramsDashboard view={p.view} setView={p.setView} generation={p.generation} colors={p.colors} labels={p.labels} tags={p.tags} selectedRuns={p.selectedRuns} />,
})));
const Distributions = lazy(() => import("./DistributionsDashboard").then((m) => ({
  default: (p: DashboardProps) => <m.DistributionsDashboard view={p.view} setView={p.setView} generation={p.generation} colors={p.colors} labels={p.labels} tags={p.tags} selectedRuns={p.selectedRuns} />,
})));

function HistogramSettings({ view, setView }: SettingsProps) {
  const ext = (k: string, v: string) => setView({ ext: { ...view.ext, [k]: v } });
  return (
    <>
      <label class="row">Mode
        <select class="hist-mode" value={view.histMode} onChange={(e) => setView({ histMode: (e.target as HTMLSelectElement).value as ViewState["histMode"] })}>
          <option value="offset">Offset</option><option value="overlay">Overlay</option>
        </select>
      </label>
      <label class="row">Offset axis
        <select class="hist-offset" value={view.ext.hoffset} onChange={(e) => ext("hoffset", (e.target as HTMLSelectElement).value)}>
          <option value="step">Step</option><option value="relative">Relative</option><option value="wall">Wall</option>
        </select>
      </label>
      <label class="row">Color
        <select class="hist-color" value={view.ext.hcolor} onChange={(e) => ext("hcolor", (e.target as HTMLSelectElement).value)}>
          <option value="run">by run</option><option value="step">by step</option>
        </select>
      </label>
      <CardWidth view={view} setView={setView} />
    </>
  );
}

export const dashboards: DashboardSpec[] = [
  { id: "histograms", label: "Histograms", order: 50, plugins: ["histograms"], runs: "tags", tagsPlugin: "histograms", component: Histograms, Settings: HistogramSettings,
    url: { hoffset: "step", hcolor: "run" } },
  { id: "distributions", label: "Distributions", order: 60, plugins: ["histograms"], runs: "tags", tagsPlugin: "histograms", component: Distributions, Settings: (p: SettingsProps) => <XAxisSetting view={p.view} setView={p.setView} /> },
];
