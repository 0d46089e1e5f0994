// Projector: embeddings (projector_config.pbtxt folders) in 2-D/3-D with PCA, t-SNE or UMAP.
import { lazy } from "preact/compat";
import type { DashboardSpec } from "../../core/registry";

const Dash = lazy(() => import("./ProjectorDashboard").then((m) => ({ default: m.ProjectorDashboard })));

export const dashboards: DashboardSpec[] = [{
  id: "projector", label: "Projector", order: 120, plugins: ["projector"], runs: "none", component: Dash,
  // prun/ptensor: the embedding; pmethod: pca, tsne or umap; pdims: 2 or 3; paxes: PCA components
  // on x,y,z; pcolor/plabel: metadata columns; psprite: "0" hides images; pcontours: "1" draws them.
  url: { prun: "", ptensor: "", pmethod: "pca", pdims: "3", paxes: "0,1,2", pcolor: "", plabel: "", psprite: "1", pcontours: "0" },
}];
