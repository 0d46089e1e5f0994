// Images: a card per tag with a step slider; brightness/contrast and actual size settings.
import { lazy } from "preact/compat";
import type { DashboardProps, DashboardSpec, SettingsProps } from "../../core/registry";
import { CardWidth, Slider } from "../../core/settings";

const load = () => import("./ImagesDashboard");
const Dash = lazy(() => load().then((m) => ({
  default: (p: DashboardProps) => <m.ImagesDashboard view={p.view} setView={p.setView} generation={p.generation} colors={p.colors} labels={p.labels} tags={p.tags} selectedRuns={p.selectedRuns} />,
})));

function Settings({ view, setView }: SettingsProps) {
  return (
    <>
      <Slider label="Brightness" cls="brightness" value={view.brightness} min={0} max={5} step={0.05} onInput={(v) => setView({ brightness: v })} />
      <Slider label="Contrast" cls="contrast" value={view.contrast} min={0} max={5} step={0.05} onInput={(v) => setView({ contrast: v })} />
      <label class="check"><input type="checkbox" class="actual-size" checked={view.actualSize} onChange={() => setView({ actualSize: !view.actualSize })} /> Show actual image size</label>
      {(view.brightness !== 1 || view.contrast !== 1) && <button onClick={() => setView({ brightness: 1, contrast: 1 })}>Reset brightness/contrast</button>}
      <CardWidth view={view} setView={setView} />
    </>
  );
}

export const dashboards: DashboardSpec[] = [{
  id: "images", label: "Images", order: 30, plugins: ["images"], runs: "tags", tagsPlugin: "images",
  component: Dash, preload: load, Settings,
}];
