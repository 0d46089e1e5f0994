// The dashboards an offline report bundles (vite.report.config.ts resolves core/registry to
// this file): those whose data `ridgeline export` embeds. Same exports as registry.ts.
import type { DashboardSpec } from "./registry";

export type { DashboardProps, DashboardSpec, SettingsProps } from "./registry";

const modules = import.meta.glob<{ dashboards: DashboardSpec[] }>(
  "../plugins/{scalars,timeseries,custom_scalars,hparams,text,histograms}/index.tsx", { eager: true },
);

export const DASHBOARDS: DashboardSpec[] = Object.values(modules)
  .flatMap((m) => m.dashboards)
  .sort((a, b) => a.order - b.order);

export const EXT_DEFAULTS: Record<string, string> = Object.assign({}, ...DASHBOARDS.map((d) => d.url ?? {}));
