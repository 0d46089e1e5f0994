// The dashboards, found by folder: every `plugins/<kind>/index.tsx` exports `dashboards`, and
// the shell (app.tsx) shows them in `order` — a new dashboard is one folder, no line here or
// in the shell. Each spec says which data makes it appear, which runs the sidebar lists, its
// settings panel and its own URL keys.
import type { ComponentType } from "preact";
import type { TagsByRun } from "../api/client";
import type { ViewState } from "./urlState";

export interface DashboardProps {
  view: ViewState;
  setView: (v: Partial<ViewState>) => void;
  generation: number;
  colors: Record<string, string>;
  labels: Record<string, string>;         // run -> display name (the run's name if none was set)
  groups: Record<string, string> | null;  // run -> group, when runs are grouped
  tags: TagsByRun | null;        // the tags of `tagsPlugin` per run (runs: "tags"), else null
  scalarTags: TagsByRun | null;  // every run's scalar tags
  selectedRuns: string[];
  plugins: string[];             // the data plugins that have data (/api/plugins)
}

export interface SettingsProps {
  view: ViewState;
  setView: (v: Partial<ViewState>) => void;
  xTags?: string[];              // scalar tags the selected runs log (choices for the x axis)
}

export interface DashboardSpec {
  id: string;
  label: string;
  order: number;
  plugins: string[];             // data plugins (/api/plugins) any of which makes it appear
  runs: "scalars" | "tags" | "all" | "none"; // what the run list shows ("none": no run list)
  tagsPlugin?: string;           // runs: "tags" — the plugin whose /tags lists the runs
  component: ComponentType<DashboardProps>;
  preload?: () => unknown;       // start loading the dashboard's code early
  Settings?: ComponentType<SettingsProps>;
  url?: Record<string, string>;  // its own URL keys (in view.ext) and their defaults
}

const modules = import.meta.glob<{ dashboards: DashboardSpec[] }>("../plugins/*/index.tsx", { eager: true });

export const DASHBOARDS: DashboardSpec[] = Object.values(modules)
  .flatMap((m) => m.dashboards)
  .sort((a, b) => a.order - b.order);

export const EXT_DEFAULTS: Record<string, string> = Object.assign({}, ...DASHBOARDS.map((d) => d.url ?? {}));
