// Text: markdown (sanitized) or raw, a card per tag.
import { lazy } from "preact/compat";
import type { DashboardProps, DashboardSpec, SettingsProps } from "../../core/registry";

const Dash = lazy(() => import("./TextDashboard").then((m) => ({
  default: (p: DashboardProps) => <m.TextDashboard view={p.view} setView={p.setView} generation={p.generation} colors={p.colors} labels={p.labels} tags={p.tags} selectedRuns={p.selectedRuns} />,
})));

function Settings({ view, setView }: SettingsProps) {
  return <label class="check"><input type="checkbox" checked={view.markdown} onChange={() => setView({ markdown: !view.markdown })} /> Render markdown</label>;
}

export const dashboards: DashboardSpec[] = [{
  id: "text", label: "Text", order: 70, plugins: ["text"], runs: "tags", tagsPlugin: "text", component: Dash, Settings,
}];
