// A button that opens a small menu of actions (a card's rarely used actions, the header's
// dashboards that do not fit): closes on a choice, a click elsewhere and Escape; keyboard
// reachable, announced as a menu. The popup stays inside the window.
import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";

export function Menu(props: {
  label: ComponentChildren;        // what the button shows
  title: string;                   // its tooltip and accessible name
  class?: string;
  children: (close: () => void) => ComponentChildren;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  const popup = useRef<HTMLDivElement>(null);
  const [shift, setShift] = useState(0);

  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => { if (!root.current?.contains(e.target as Node)) setOpen(false); };
    const key = (e: KeyboardEvent) => { if (e.key === "Escape") setOpen(false); };
    document.addEventListener("mousedown", away);
    document.addEventListener("keydown", key);
    return () => { document.removeEventListener("mousedown", away); document.removeEventListener("keydown", key); };
  }, [open]);

  // Right-aligned under the button; moved left or right so no part leaves the window.
  useLayoutEffect(() => {
    if (!open || !popup.current) { setShift(0); return; }
    const box = popup.current.getBoundingClientRect();
    const over = box.right - (window.innerWidth - 4);
    const under = 4 - box.left;
    if (over > 0) setShift(-over); else if (under > 0) setShift(under);
  }, [open]);

  const close = () => setOpen(false);
  return (
    <span class={`menu-root${props.class ? ` ${props.class}` : ""}`} ref={root}>
      <button class="menu-button" title={props.title} aria-label={props.title} aria-haspopup="menu" aria-expanded={open}
        onClick={() => setOpen(!open)}>{props.label}</button>
      {open && (
        <div class="menu popup-menu" role="menu" ref={popup} style={shift ? { transform: `translateX(${shift}px)` } : undefined}>
          {props.children(close)}
        </div>
      )}
    </span>
  );
}
