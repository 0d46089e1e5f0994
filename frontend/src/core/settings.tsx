// Settings panels more than one dashboard shows (line charts, the x axis, the tooltip).
import type { SettingsProps } from "./registry";
import type { ViewState } from "./urlState";

export function Slider(props: { label: string; value: number; min: number; max: number; step: number; onInput: (v: number) => void; cls: string }) {
  return (
    <label class="row">{props.label}
      <input type="range" class={props.cls} min={props.min} max={props.max} step={props.step} value={props.value}
        onInput={(e) => props.onInput(Number((e.target as HTMLInputElement).value))} />
      <span class="num">{props.value.toFixed(2)}</span>
    </label>
  );
}

export function XAxisSetting({ view, setView, xTags }: SettingsProps) {
  return (
    <label class="row">Horizontal axis
      <select class="x-axis" value={view.xAxis} onChange={(e) => setView({ xAxis: (e.target as HTMLSelectElement).value as ViewState["xAxis"], cardX: {} })}>
        <option value="step">Step</option><option value="relative">Relative</option><option value="wall">Wall</option>
        {(xTags ?? []).map((t) => <option key={t} value={`tag:${t}`}>{t}</option>)}
      </select>
    </label>
  );
}

// How wide cards are at least (cards fill each row): scalars, images, histograms, time series.
export function CardWidth({ view, setView }: SettingsProps) {
  return (
    <label class="row">Card width
      <input type="range" class="card-width" min={240} max={1200} step={20} value={view.cardWidth}
        onInput={(e) => setView({ cardWidth: Number((e.target as HTMLInputElement).value) })} />
      <span class="num">{view.cardWidth}</span>
    </label>
  );
}

export function TooltipSettings({ view, setView }: SettingsProps) {
  return (
    <>
      <label class="row">Tooltip order
        <select class="tip-sort" value={view.tipSort} onChange={(e) => setView({ tipSort: (e.target as HTMLSelectElement).value as ViewState["tipSort"] })}>
          <option value="value">by value</option><option value="nearest">nearest first</option><option value="name">by name</option>
        </select>
      </label>
      <label class="row">Tooltip rows
        <input class="tip-rows" type="number" min={1} max={200} value={view.tipRows} style={{ width: "60px" }}
          onChange={(e) => setView({ tipRows: Math.max(1, Number((e.target as HTMLInputElement).value) || 12) })} />
      </label>
    </>
  );
}

export function LineSettings({ view, setView, xTags }: SettingsProps) {
  return (
    <>
      <Slider label="Smoothing" cls="smoothing" value={view.smoothing} min={0} max={0.99} step={0.01} onInput={(v) => setView({ smoothing: v })} />
      <XAxisSetting view={view} setView={setView} xTags={xTags} />
      <TooltipSettings view={view} setView={setView} />
      <CardWidth view={view} setView={setView} />
      <label class="check"><input type="checkbox" checked={view.logY} onChange={() => setView({ logY: !view.logY })} /> Log-scale y</label>
      <label class="check"><input type="checkbox" checked={view.logX} onChange={() => setView({ logX: !view.logX })} /> Log-scale x</label>
      <label class="check"><input type="checkbox" checked={view.ignoreOutliers} onChange={() => setView({ ignoreOutliers: !view.ignoreOutliers })} /> Ignore outliers in chart scaling</label>
    </>
  );
}
