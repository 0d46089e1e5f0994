// Training health in the run list: a badge per run with findings, and a panel that explains
// each one (what, where, since when) with a link to the chart that shows it.
// Contract: src/ridgeline/plugins/health/api.md (GET /api/health).
import type { Finding, FindingKind, Health } from "../../api/client";

const LABELS: Record<FindingKind, string> = {
  nan: "NaN / inf",
  vanishing_gradients: "Vanishing gradients",
  exploding_gradients: "Exploding gradients",
  dead_units: "Dead units",
  plateau: "Plateau",
};

const ADVICE: Record<FindingKind, string> = {
  nan: "A value became NaN or infinite; everything computed from it since is lost. Lower the learning rate, clip gradients, or look for a division by zero or log(0).",
  vanishing_gradients: "This layer barely learns: its gradients are tiny next to the other layers'. Try ReLU-family activations, residual connections, normalization or a better initialization.",
  exploding_gradients: "Gradients this large make updates jump. Lower the learning rate or clip the gradient norm.",
  dead_units: "These units output zero for every sample, so they get no gradient and never recover. Lower the learning rate, use LeakyReLU/GELU, or check the initialization and biases.",
  plateau: "The loss has stopped improving. Adjust the learning rate (schedule, warm restart), or stop: it may have converged.",
};

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function HealthBadge(props: { findings: Finding[] | undefined; onClick: () => void }) {
  const n = props.findings?.length ?? 0;
  if (!n) return null;
  const kinds = [...new Set(props.findings!.map((f) => LABELS[f.kind]))].join(", ");
  return (
    <button class="health-badge" title={`Training health: ${kinds}`} onClick={(e) => { e.preventDefault(); props.onClick(); }}>
      {n}
    </button>
  );
}

export function HealthPanel(props: {
  run: string; health: Health; onClose: () => void;
  showChart: (run: string, tag: string) => void;
}) {
  const findings = props.health[props.run] ?? [];
  return (
    <div class="health-panel">
      <div class="row-between">
        <h3>Training health of <span class="run-name">{props.run}</span></h3>
        <button onClick={props.onClose}>close</button>
      </div>
      {findings.length === 0 && <p class="muted">Nothing looks wrong.</p>}
      <ul>
        {findings.map((f) => (
          <li key={`${f.kind}|${f.tag}`} class={`finding finding-${f.kind}`}>
            <strong>{LABELS[f.kind]}</strong>{f.layer && <> in <code>{f.layer}</code></>}
            {" "}<span class="muted">since step {f.first_step}, last seen at step {f.step}</span>
            <div>{f.message}</div>
            <div class="muted">{ADVICE[f.kind]}</div>
            <a href="#" class="show-chart" onClick={(e) => { e.preventDefault(); props.showChart(props.run, f.tag); }}>
              show <code>{f.tag}</code>
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function chartFilters(run: string, tag: string): { runFilter: string; tagFilter: string } {
  return { runFilter: `^${escapeRegex(run)}$`, tagFilter: `^${escapeRegex(tag)}$` };
}
