// HParams: sessions as a table, parallel coordinates or scatter plots (its own session list).
import { lazy } from "preact/compat";
import type { DashboardProps, DashboardSpec } from "../../core/registry";
import { LineSettings } from "../../core/settings";

const Dash = lazy(() => import("./HParamsDashboard").then((m) => ({
  default: (p: DashboardProps) => <m.HParamsDashboard view={p.view} setView={p.setView} generation={p.generation} colors={p.colors} scalarTags={p.scalarTags} />,
})));

export const dashboards: DashboardSpec[] = [{
  id: "hparams", label: "HParams", order: 90, plugins: ["hparams"], runs: "none", component: Dash, Settings: LineSettings,
}];
