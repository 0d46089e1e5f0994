// The header's dashboard tabs: as many as fit in the room the header leaves, in their order,
// the active one always among them; the others are listed under "more", so every dashboard is
// one click away at any width (TensorBoard's chevron menu). Widths are measured from a hidden
// copy of every tab, again whenever the room changes.
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { Menu } from "./Menu";

export interface Tab { id: string; label: string }

// Which tabs show in `room` px: the active one first, then the others in order while they fit
// (leaving room for the "more" button when some do not).
export function tabsThatFit(widths: number[], activeIndex: number, room: number, moreWidth: number, gap: number): Set<number> {
  const total = widths.reduce((a, w) => a + w + gap, 0);
  if (total <= room) return new Set(widths.map((_, i) => i));
  const shown = new Set<number>();
  let used = moreWidth;
  const order = activeIndex >= 0 ? [activeIndex, ...widths.map((_, i) => i).filter((i) => i !== activeIndex)] : widths.map((_, i) => i);
  for (const i of order) {
    if (used + widths[i] + gap > room && shown.size > 0) break;
    shown.add(i);
    used += widths[i] + gap;
  }
  return shown;
}

export function DashboardTabs(props: { tabs: Tab[]; active: string | undefined; onPick: (id: string) => void }) {
  const room = useRef<HTMLDivElement>(null);
  const measure = useRef<HTMLDivElement>(null);
  const [shown, setShown] = useState<Set<number> | null>(null);
  const key = props.tabs.map((t) => t.id).join(",");
  const activeIndex = props.tabs.findIndex((t) => t.id === props.active);

  useLayoutEffect(() => {
    const el = room.current;
    const m = measure.current;
    if (!el || !m) return;
    const compute = () => {
      const items = [...m.children] as HTMLElement[];
      const widths = items.slice(0, -1).map((c) => c.getBoundingClientRect().width);
      const more = items[items.length - 1].getBoundingClientRect().width + 4;
      const next = tabsThatFit(widths, activeIndex, el.clientWidth, more, 2);
      setShown((prev) => (prev && prev.size === next.size && [...next].every((i) => prev.has(i)) ? prev : next));
    };
    compute();
    const ro = new ResizeObserver(compute);
    ro.observe(el);
    void document.fonts?.ready.then(compute);
    return () => ro.disconnect();
  }, [key, activeIndex]);

  const visible = props.tabs.filter((_, i) => shown === null || shown.has(i));
  const hidden = props.tabs.filter((_, i) => shown !== null && !shown.has(i));
  const link = (t: Tab, extra: Record<string, unknown> = {}) => (
    <a key={t.id} class={`tab${t.id === props.active ? " active" : ""}`} data-dash={t.id} href={`?dash=${t.id}`}
      aria-current={t.id === props.active ? "page" : undefined} {...extra}
      onClick={(e) => { e.preventDefault(); props.onPick(t.id); }}>{t.label}</a>
  );
  return (
    <div class="tabs" ref={room}>
      <nav aria-label="Dashboards">{visible.map((t) => link(t))}</nav>
      {hidden.length > 0 && (
        <Menu label={`more (${hidden.length}) ▾`} title={`More dashboards: ${hidden.map((t) => t.label).join(", ")}`} class="nav-more">
          {(close) => hidden.map((t) => (
            <a key={t.id} class="more-dash" role="menuitem" data-dash={t.id} href={`?dash=${t.id}`}
              onClick={(e) => { e.preventDefault(); close(); props.onPick(t.id); }}>{t.label}</a>
          ))}
        </Menu>
      )}
      <div class="nav-measure" ref={measure} aria-hidden="true">
        {props.tabs.map((t) => <span key={t.id} class="tab">{t.label}</span>)}
        <span class="menu-button">more (99) ▾</span>
      </div>
    </div>
  );
}
