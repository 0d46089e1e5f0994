// Graphs: model graphs (op graphs, Keras models, traced run metadata) laid out a group at a time.
import { lazy } from "preact/compat";
import type { DashboardSpec } from "../../core/registry";

const load = () => import("./GraphDashboard");
const Dash = lazy(() => load().then((m) => ({ default: m.GraphDashboard })));

export const dashboards: DashboardSpec[] = [{
  id: "graphs", label: "Graphs", order: 35, runs: "none", component: Dash, preload: load,
  plugins: ["graphs", "graph_keras_model", "graph_run_metadata", "graph_run_metadata_graph", "graph_tagged_run_metadata"],
  // graph: "run\0tag" shown; compare: a second graph beside it; gfn: a library function;
  // gnode: the selected node (or "group/"); gcolor: structure, op, device or params.
  url: { graph: "", compare: "", gfn: "", gnode: "", gcolor: "structure" },
}];
