// The mesh dashboard: a card per mesh name, one 3-D viewer per selected run with a step slider.
import { useEffect, useState } from "preact/hooks";
import { kinds } from "../../api/client";
import { useFetch, useVisible } from "../../core/hooks";
import { StepSlider } from "../../core/StepSlider";
import type { ViewState } from "../../core/urlState";
import type { MeshViewer as Viewer } from "./MeshViewer";
import { CardTitle } from "../../core/CardTitle";
import { RunLabel } from "../../core/RunLabel";

// three.js is loaded only when a mesh is shown: the other dashboards never pay for it.
let viewerModule: Promise<{ MeshViewer: typeof Viewer }> | null = null;
function useViewer(): typeof Viewer | null {
  const [viewer, setViewer] = useState<typeof Viewer | null>(null);
  useEffect(() => {
    viewerModule ??= import("./MeshViewer");
    void viewerModule.then((m) => setViewer(() => m.MeshViewer));
  }, []);
  return viewer;
}

interface Common { view: ViewState; generation: number; colors: Record<string, string>; labels?: Record<string, string> }

function RunMesh(props: Common & { run: string; name: string }) {
  const [picked, setPicked] = useState<number | null>(null);
  const steps = useFetch(() => kinds.meshSteps(props.run, props.name), [props.run, props.name, props.generation]);
  const n = steps.data?.step.length ?? 0;
  const index = picked === null ? n - 1 : Math.min(picked, n - 1);
  const mesh = useFetch(n ? () => kinds.mesh(props.run, props.name, index) : null, [props.run, props.name, index, n]);
  const MeshViewer = useViewer();
  return (
    <div class="run-mesh">
      <RunLabel run={props.run} label={props.labels?.[props.run]} color={props.colors[props.run]}>
        {mesh.data && <span class="muted small"> · {mesh.data.vertices.length / 3} vertices{mesh.data.faces ? ` · ${mesh.data.faces.length / 3} faces` : ""}</span>}</RunLabel>
      {steps.data && <StepSlider steps={steps.data} index={index} onChange={setPicked} />}
      {mesh.error && <div class="error">{mesh.error}</div>}
      {mesh.data && MeshViewer ? <MeshViewer data={mesh.data} dark={props.view.dark} /> : <div class="loading" style={{ height: 360 }}>loading…</div>}
    </div>
  );
}

function MeshCard(props: Common & { name: string; runs: string[] }) {
  const [ref, visible] = useVisible<HTMLDivElement>();
  return (
    <div class="card mesh-card" ref={ref} data-tag={props.name}>
      <div class="card-head"><CardTitle text={props.name} /><span class="muted small">drag to rotate · wheel to zoom · right-drag to pan</span></div>
      {visible && props.runs.map((run) => <RunMesh key={run} {...props} run={run} />)}
    </div>
  );
}

export function MeshDashboard(props: Common & { selectedRuns: string[] }) {
  const list = useFetch(() => kinds.meshes(), [props.generation]);
  if (list.error) return <div class="error">{list.error}</div>;
  if (!list.data) return <div class="loading">loading…</div>;
  const byName = new Map<string, string[]>();
  for (const run of props.selectedRuns) for (const name of Object.keys(list.data.runs[run] ?? {})) {
    if (!byName.has(name)) byName.set(name, []);
    byName.get(name)!.push(run);
  }
  return (
    <div class="dashboard">
      {byName.size === 0 && <div class="empty">The selected runs have no meshes.</div>}
      <div class="cards">{[...byName.entries()].sort().map(([name, runs]) => <MeshCard key={name} {...props} name={name} runs={runs} />)}</div>
    </div>
  );
}
