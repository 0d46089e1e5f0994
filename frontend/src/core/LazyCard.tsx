// A card for one tag with a block per selected run, rendered (and fetching) only once the
// card scrolls into view; the dashboards whose cards are "one block per run" share it.
import type { ComponentChildren } from "preact";
import { Fragment } from "preact";
import { useVisible } from "./hooks";
import { CardTitle } from "./CardTitle";

interface Props {
  tag: string;
  runs: string[];
  extraClass?: string;
  placeholder?: number;  // height of the "…" box shown until visible (none when omitted)
  run: (run: string) => ComponentChildren;
}

export function LazyCard(props: Props) {
  const [ref, visible] = useVisible<HTMLDivElement>();
  return (
    <div class={props.extraClass ? `card ${props.extraClass}` : "card"} ref={ref} data-tag={props.tag}>
      <div class="card-head"><CardTitle text={props.tag} /></div>
      {visible
        ? props.runs.map((run) => <Fragment key={run}>{props.run(run)}</Fragment>)
        : props.placeholder !== undefined && <div class="loading" style={{ height: props.placeholder }}>…</div>}
    </div>
  );
}
