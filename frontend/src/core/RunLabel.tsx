// A run's name above its images, histograms, texts...: its colour, the name cut with an
// ellipsis when the card is narrow, the whole name on hover.
import type { ComponentChildren } from "preact";

export function RunLabel(props: { run: string; color: string | undefined; children?: ComponentChildren }) {
  return (
    <div class="run-label" title={props.run}>
      <span class="swatch" style={{ background: props.color }} /><span class="run-label-name">{props.run}</span>{props.children}
    </div>
  );
}
