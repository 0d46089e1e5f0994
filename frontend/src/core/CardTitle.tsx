// A card's title, readable at any card width: a long tag wraps onto a second line at its
// natural breaks (after "/", ".", "_", "-", "="), so charts whose tags differ only in the
// middle or at the end (grad_norm/layers.3.weight, grad_norm/layers.4.weight) are told apart;
// past two lines it ends in an ellipsis. The full tag is the hover title.
const BREAK_AFTER = /([/._=-])/;

export function CardTitle(props: { text: string; class?: string }) {
  const parts = props.text.split(BREAK_AFTER);
  return (
    <span class={`card-title${props.class ? ` ${props.class}` : ""}`} title={props.text}>
      {parts.map((p) => (BREAK_AFTER.test(p) ? <>{p}<wbr /></> : p))}
    </span>
  );
}
