// The text dashboard: per tag and run, the newest steps' texts as sanitized markdown
// (rank-0 strings) or tables (rank 1 and 2, each cell markdown), or raw text when markdown
// is switched off.
import { kinds, type TagsByRun, type TextStep } from "../../api/client";
import { useFetch } from "../../core/hooks";
import { LazyCard } from "../../core/LazyCard";
import { safeMarkdown } from "../../core/markdown";
import { TagGroups } from "../../core/TagGroups";
import type { ViewState } from "../../core/urlState";
import { RunLabel } from "../../core/RunLabel";

interface Common { view: ViewState; generation: number; colors: Record<string, string>; labels?: Record<string, string> }

function Cell(props: { text: string; markdown: boolean; block?: boolean }) {
  if (!props.markdown) return <pre class="raw-text">{props.text}</pre>;
  return <div class={props.block ? "markdown" : "markdown inline"} dangerouslySetInnerHTML={{ __html: safeMarkdown(props.text, !props.block) }} />;
}

function TextBody(props: { t: TextStep; markdown: boolean }) {
  const { shape, strings } = props.t;
  if (shape.length === 0 || strings.length === 1) return <Cell text={strings[0] ?? ""} markdown={props.markdown} block />;
  const cols = shape.length === 2 ? shape[1] : 1;
  const rows: string[][] = [];
  for (let i = 0; i < strings.length; i += cols) rows.push(strings.slice(i, i + cols));
  return (
    <table class="text-table">
      <tbody>{rows.map((row, r) => <tr key={r}>{row.map((s, c) => <td key={c}><Cell text={s} markdown={props.markdown} /></td>)}</tr>)}</tbody>
    </table>
  );
}

function RunTexts(props: Common & { run: string; tag: string }) {
  const d = useFetch(() => kinds.texts(props.run, props.tag), [props.run, props.tag, props.generation]);
  return (
    <div class="run-texts">
      <RunLabel run={props.run} label={props.labels?.[props.run]} color={props.colors[props.run]}>
        {d.data && d.data.total > d.data.texts.length && <span class="muted"> (newest {d.data.texts.length} of {d.data.total})</span>}</RunLabel>
      {d.error && <div class="error">{d.error}</div>}
      {d.data?.texts.slice().reverse().map((t) => (
        <div class="text-step" key={t.step + ":" + t.wall_time}>
          <div class="muted small">step {t.step} · {new Date(t.wall_time * 1000).toLocaleString()}</div>
          {t.warning && <div class="warning">{t.warning}</div>}
          <TextBody t={t} markdown={props.view.markdown} />
        </div>
      ))}
    </div>
  );
}

function TextCard(props: Common & { tag: string; runs: string[] }) {
  return <LazyCard tag={props.tag} runs={props.runs} extraClass="text-card" run={(run) => <RunTexts {...props} run={run} />} />;
}

export function TextDashboard(props: Common & { tags: TagsByRun | null; selectedRuns: string[]; setView: (v: Partial<ViewState>) => void }) {
  return (
    <TagGroups tags={props.tags} selectedRuns={props.selectedRuns} view={props.view} setView={props.setView} what="text"
      card={(tag, runs) => <TextCard key={tag} tag={tag} runs={runs} view={props.view} generation={props.generation} colors={props.colors} labels={props.labels} />} />
  );
}
