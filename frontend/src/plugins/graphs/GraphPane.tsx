// One graph on a canvas: groups collapsed until opened, laid out a level at a time (layout.ts),
// drawn in one pass per frame with only what is on screen; pan (drag), zoom (wheel), fit,
// click to select, double-click a group to open or close it. What is selected, its inputs and
// its outputs are highlighted.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { type Box, type Drawing, groupStats, Layouts, workerLayout } from "./layout";
import { type DiffMark, groupId, groupPath, inputName, isGroupId, type Model } from "./model";

export type ColorBy = "structure" | "op" | "device" | "params";

export interface PaneHandle {
  reveal: (name: string) => void;
}

interface Props {
  model: Model;
  colorBy: ColorBy;
  selected: string | null;
  onSelect: (name: string | null) => void;
  expanded: Set<string>;
  setExpanded: (s: Set<string>) => void;
  marks?: Map<string, DiffMark>;
  dark: boolean;
  label: string;
  handle?: (h: PaneHandle) => void;
}

function hashColor(key: string, s = 55, l = 72): string {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
  return `hsl(${((h % 360) + 360) % 360}, ${s}%, ${l}%)`;
}

function paramColor(params: number, max: number): string {
  if (params <= 0) return "#e8e8e8";
  const t = Math.log10(params + 1) / Math.log10(max + 1);
  return `hsl(${220 - 200 * t}, 70%, ${80 - 25 * t}%)`;
}

/** The box names (groups or nodes) standing for `name`'s direct inputs and outputs. */
function neighbours(model: Model, drawing: Drawing, name: string): Set<string> {
  const out = new Set<string>();
  const visible = (n: string): string | null => {
    if (drawing.index.has(n)) return n;
    let g = model.parentOf.get(n);
    while (g !== undefined && g !== "") {
      if (drawing.index.has(groupId(g))) return groupId(g);
      g = model.groups.get(g)?.parent ?? undefined;
    }
    return null;
  };
  const names: string[] = [];
  if (isGroupId(name)) {
    const stack = [groupPath(name)];
    while (stack.length) {
      const g = model.groups.get(stack.pop()!)!;
      names.push(...g.leaves);
      stack.push(...g.groups);
    }
  } else names.push(name);
  const inside = new Set(names);
  for (const n of names) {
    for (const raw of model.nodes.get(n)?.inputs ?? []) {
      const src = inputName(raw);
      if (inside.has(src)) continue;
      const v = visible(src);
      if (v) out.add(v);
    }
    for (const c of model.consumers.get(n) ?? []) {
      if (inside.has(c)) continue;
      const v = visible(c);
      if (v) out.add(v);
    }
  }
  out.delete(name);
  return out;
}

export function GraphPane(props: Props) {
  const { model, colorBy, selected, expanded, marks } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  // The drawing and the model it was made for: a new graph is not drawn with the old layout.
  const [drawn, setDrawn] = useState<{ model: Model; drawing: Drawing } | null>(null);
  const drawing = drawn && drawn.model === model ? drawn.drawing : null;
  const [error, setError] = useState<string | null>(null);
  const [laying, setLaying] = useState(false);
  const cam = useRef({ x: 0, y: 0, k: 1, fitted: false, moved: false });
  const frame = useRef(0);
  const stats = useRef({ frames: 0 });
  const layouts = useMemo(() => new Layouts(model, workerLayout), [model]);
  const maxParams = useMemo(() => Math.max(1, ...[...model.groups.values()].map((g) => g.params)), [model]);
  const pendingReveal = useRef<string | null>(null);

  useEffect(() => {
    let stop = false;
    setLaying(true);
    const t0 = performance.now();
    layouts.draw(expanded).then((d) => {
      if (stop) return;
      setDrawn({ model, drawing: d });
      setError(null);
      setLaying(false);
      wrap.current?.setAttribute("data-layout-ms", (performance.now() - t0).toFixed(1));
    }).catch((e: Error) => { if (!stop) { setError(e.message); setLaying(false); } });
    return () => { stop = true; };
  }, [layouts, expanded]);

  const highlight = useMemo(
    () => (drawing && selected && drawing.index.has(selected) ? neighbours(model, drawing, selected) : new Set<string>()),
    [drawing, selected, model],
  );

  const fill = (b: Box): string => {
    const dark = props.dark;
    if (b.kind === "expanded") return dark ? "rgba(255,255,255,0.04)" : "rgba(40,60,120,0.04)";
    if (isGroupId(b.name)) {
      const g = model.groups.get(groupPath(b.name))!;
      if (colorBy === "params") return paramColor(g.params, maxParams);
      if (colorBy === "device") return g.devices.size === 1 ? hashColor([...g.devices][0]) : g.devices.size ? "#bbb" : "#ddd";
      if (colorBy === "op") {
        let top = "";
        let most = 0;
        for (const [op, c] of g.ops) if (c > most) { most = c; top = op; }
        return hashColor(top);
      }
      return dark ? "#3a4a6a" : "#c8d6f0";
    }
    const n = model.nodes.get(b.name)!;
    if (colorBy === "params") return paramColor(Number(n.attr.num_params ?? 0) || 0, maxParams);
    if (colorBy === "device") return n.device ? hashColor(n.device) : "#eee";
    if (colorBy === "op") return hashColor(n.op);
    return dark ? "#2a2f38" : "#ffffff";
  };

  const draw = () => {
    const c = canvas.current;
    if (!c || !drawing) return;
    const t0 = performance.now();
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    const ctx = c.getContext("2d")!;
    const { x: cx, y: cy, k } = cam.current;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = props.dark ? "#181b20" : "#fafbfc";
    ctx.fillRect(0, 0, w, h);
    ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * cx, dpr * cy);
    // The world rectangle on screen: everything outside is skipped.
    const x0 = -cx / k, y0 = -cy / k, x1 = (w - cx) / k, y1 = (h - cy) / k;
    const onScreen = (b: Box) => b.x + b.w >= x0 && b.x <= x1 && b.y + b.h >= y0 && b.y <= y1;
    // Text on a box: colour modes fill with light pastels, so dark ink there; the structure
    // mode follows the theme (an open group's label sits on the pane's own background).
    const lightText = props.dark && colorBy === "structure";
    const inkOn = (b: Box) => (lightText || (props.dark && b.kind === "expanded") ? "#d8dde6" : "#24292f");
    const mutedOn = (b: Box) => (lightText || (props.dark && b.kind === "expanded") ? "#a9b1bd" : "#57606a");
    ctx.lineWidth = 1 / k;
    // Edges first, under the boxes: one path per style (a few stroke calls, not one per edge).
    const edgeStyles = new Map<string, { width: number; color: string; path: Path2D; heads: Path2D }>();
    const heads = k > 0.25;
    for (const e of drawing.edges) {
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (const [px, py] of e.points) { minX = Math.min(minX, px); maxX = Math.max(maxX, px); minY = Math.min(minY, py); maxY = Math.max(maxY, py); }
      if (maxX < x0 || minX > x1 || maxY < y0 || minY > y1) continue;
      const hot = selected !== null && (e.source === selected || e.target === selected);
      const width = hot ? 2.2 : Math.min(3, Math.round((0.8 + Math.log2(e.count) * 0.4) * 2) / 2);
      const color = hot ? "#e8590c" : props.dark ? "#6b7280" : "#9aa4b2";
      const styleKey = `${color}|${width}`;
      let style = edgeStyles.get(styleKey);
      if (!style) { style = { width, color, path: new Path2D(), heads: new Path2D() }; edgeStyles.set(styleKey, style); }
      style.path.moveTo(e.points[0][0], e.points[0][1]);
      for (let i = 1; i < e.points.length; i++) style.path.lineTo(e.points[i][0], e.points[i][1]);
      if (heads) {
        const [ax, ay] = e.points[e.points.length - 1];
        const [bx, by] = e.points[e.points.length - 2];
        const ang = Math.atan2(ay - by, ax - bx);
        const size = 6 / Math.max(k, 0.5);
        style.heads.moveTo(ax, ay);
        style.heads.lineTo(ax - size * Math.cos(ang - 0.4), ay - size * Math.sin(ang - 0.4));
        style.heads.lineTo(ax - size * Math.cos(ang + 0.4), ay - size * Math.sin(ang + 0.4));
        style.heads.closePath();
      }
    }
    for (const style of edgeStyles.values()) {
      ctx.strokeStyle = style.color;
      ctx.fillStyle = style.color;
      ctx.lineWidth = style.width / k;
      ctx.stroke(style.path);
      if (heads) ctx.fill(style.heads);
    }
    // Boxes: open groups first (they hold the others), then every other box batched by style —
    // those never overlap one another.
    const boxStyles = new Map<string, { fill: string; stroke: string; width: number; dashed: boolean; path: Path2D }>();
    const visible: Box[] = [];
    const addBox = (b: Box, path: Path2D) => {
      const r = b.kind === "leaf" ? b.h / 2 : 6;
      if (b.w * k < 4) path.rect(b.x, b.y, b.w, b.h);
      else path.roundRect(b.x, b.y, b.w, b.h, Math.min(r, b.w / 2));
    };
    const styleOf = (b: Box) => {
      const mark = marks?.get(b.name);
      const isSel = b.name === selected;
      const isNear = highlight.has(b.name);
      return {
        fill: fill(b),
        stroke: isSel ? "#e8590c" : isNear ? "#f59f00" : mark === "changed" ? "#d6336c" : mark ? "#2f9e44" : props.dark ? "#5b6472" : "#8c96a3",
        width: isSel || isNear || mark ? 2.5 : 1,
        dashed: !!mark && !isSel,
      };
    };
    const paint = (st: { fill: string; stroke: string; width: number; dashed: boolean }, path: Path2D) => {
      ctx.fillStyle = st.fill;
      ctx.fill(path);
      ctx.strokeStyle = st.stroke;
      ctx.lineWidth = st.width / k;
      if (st.dashed) ctx.setLineDash([5 / k, 3 / k]);
      ctx.stroke(path);
      if (st.dashed) ctx.setLineDash([]);
    };
    for (const b of drawing.boxes) {
      if (!onScreen(b)) continue;
      visible.push(b);
      if (b.kind === "expanded") {
        const path = new Path2D();
        addBox(b, path);
        paint(styleOf(b), path);
        continue;
      }
      const st = styleOf(b);
      const styleKey = `${st.fill}|${st.stroke}|${st.width}|${st.dashed}`;
      let entry = boxStyles.get(styleKey);
      if (!entry) { entry = { ...st, path: new Path2D() }; boxStyles.set(styleKey, entry); }
      addBox(b, entry.path);
    }
    for (const entry of boxStyles.values()) paint(entry, entry.path);
    const labels = k > 0.35;
    for (const b of labels ? visible : []) {
      ctx.fillStyle = inkOn(b);
      if (b.kind === "leaf") {
        const n = model.nodes.get(b.name)!;
        ctx.font = "11px system-ui, sans-serif";
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillText(fit(ctx, b.name.slice(b.name.lastIndexOf("/") + 1), b.w - 8), b.x + b.w / 2, b.y + b.h / 2 - (k > 0.8 ? 5 : 0));
        if (k > 0.8) {
          ctx.font = "9px system-ui, sans-serif";
          ctx.fillStyle = mutedOn(b);
          ctx.fillText(fit(ctx, n.op, b.w - 8), b.x + b.w / 2, b.y + b.h / 2 + 7);
        }
      } else {
        const g = model.groups.get(groupPath(b.name))!;
        ctx.textAlign = "left";
        ctx.textBaseline = "top";
        ctx.font = "bold 12px system-ui, sans-serif";
        const sign = b.kind === "expanded" ? "− " : "+ ";
        ctx.fillText(fit(ctx, sign + g.label, b.w - 10), b.x + 6, b.y + 5);
        if (b.kind === "group") {
          ctx.font = "10px system-ui, sans-serif";
          ctx.fillStyle = mutedOn(b);
          ctx.fillText(fit(ctx, groupStats(g.count, g.params), b.w - 10), b.x + 6, b.y + 21);
        }
      }
    }
    const ms = performance.now() - t0;
    stats.current.frames += 1;
    c.dataset.drawMs = ms.toFixed(2);
    c.dataset.frames = String(stats.current.frames);
    if (stats.current.frames === 1) c.dataset.firstFrameAt = performance.now().toFixed(1); // ms since navigation
  };

  // The frame callback draws with the newest state, whichever render scheduled it.
  const drawRef = useRef(draw);
  drawRef.current = draw;
  const schedule = () => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => { frame.current = 0; drawRef.current(); });
  };

  const fitView = () => {
    const c = canvas.current;
    if (!c || !drawing) return;
    const w = c.clientWidth, h = c.clientHeight;
    const k = Math.min(1.2, 0.92 * Math.min(w / Math.max(1, drawing.width), h / Math.max(1, drawing.height)));
    cam.current = { x: (w - drawing.width * k) / 2, y: Math.max(10, (h - drawing.height * k) / 2), k, fitted: true, moved: false };
    schedule();
  };

  const center = (name: string) => {
    const c = canvas.current;
    const b = drawing?.index.get(name);
    if (!c || !b) return;
    const k = Math.max(cam.current.k, 0.9);
    cam.current = { x: c.clientWidth / 2 - (b.x + b.w / 2) * k, y: c.clientHeight / 2 - (b.y + b.h / 2) * k, k, fitted: true, moved: true };
    schedule();
  };

  useEffect(() => {
    if (!drawing) return;
    if (!cam.current.fitted) fitView();
    if (pendingReveal.current && drawing.index.has(pendingReveal.current)) {
      center(pendingReveal.current);
      pendingReveal.current = null;
    }
    schedule();
  }, [drawing, colorBy, selected, marks, props.dark, highlight]);

  useEffect(() => {
    props.handle?.({
      reveal: (name: string) => {
        const open = new Set(expanded);
        let g = model.nodes.has(name) ? model.parentOf.get(name) : model.groups.get(groupPath(name))?.parent ?? undefined;
        while (g !== undefined && g !== null && g !== "") { open.add(g); g = model.groups.get(g)?.parent ?? undefined; }
        pendingReveal.current = name;
        props.onSelect(name);
        if (open.size !== expanded.size) props.setExpanded(open);
        else center(name);
      },
    });
  });

  // Where a box is on screen (page coordinates of its centre), for scripts driving the page
  // (the browser tests click boxes by name): `canvas.ridgelineBox(name)`.
  useEffect(() => {
    const c = canvas.current as (HTMLCanvasElement & { ridgelineBox?: (n: string) => [number, number] | null }) | null;
    if (!c) return;
    c.ridgelineBox = (name: string) => {
      const b = drawing?.index.get(name);
      if (!b) return null;
      const r = c.getBoundingClientRect();
      const { x, y, k } = cam.current;
      return [r.left + x + (b.x + b.w / 2) * k, r.top + y + (b.kind === "expanded" ? b.y + 10 : b.y + b.h / 2) * k];
    };
  });

  useEffect(() => {
    // A resized pane (a second graph beside it, the side panel) is fitted again unless the
    // user has moved the view.
    const ro = new ResizeObserver(() => { if (cam.current.moved) schedule(); else fitView(); });
    if (canvas.current) ro.observe(canvas.current);
    return () => ro.disconnect();
  }, [drawing]);

  const hit = (ev: MouseEvent): Box | null => {
    const c = canvas.current;
    if (!c || !drawing) return null;
    const r = c.getBoundingClientRect();
    const wx = (ev.clientX - r.left - cam.current.x) / cam.current.k;
    const wy = (ev.clientY - r.top - cam.current.y) / cam.current.k;
    let best: Box | null = null;
    for (const b of drawing.boxes) {
      if (wx >= b.x && wx <= b.x + b.w && wy >= b.y && wy <= b.y + b.h) {
        // An open group's body is not a hit (its header is); deeper boxes win.
        if (b.kind === "expanded" && wy > b.y + 22) continue;
        if (!best || b.depth >= best.depth) best = b;
      }
    }
    return best;
  };

  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);
  const onDown = (ev: MouseEvent) => { drag.current = { x: ev.clientX, y: ev.clientY, moved: false }; };
  const onMove = (ev: MouseEvent) => {
    const d = drag.current;
    if (!d || !(ev.buttons & 1)) return;
    const dx = ev.clientX - d.x, dy = ev.clientY - d.y;
    if (Math.abs(dx) + Math.abs(dy) > 2) d.moved = true;
    cam.current.x += dx;
    cam.current.y += dy;
    cam.current.moved = true;
    d.x = ev.clientX;
    d.y = ev.clientY;
    schedule();
  };
  const onUp = (ev: MouseEvent) => {
    const d = drag.current;
    drag.current = null;
    if (d && !d.moved) props.onSelect(hit(ev)?.name ?? null);
  };
  const toggle = (name: string) => {
    if (!isGroupId(name)) return;
    const path = groupPath(name);
    const open = new Set(expanded);
    if (open.has(path)) {
      for (const p of [...open]) if (p === path || p.startsWith(`${path}/`)) open.delete(p);
    } else open.add(path);
    pendingReveal.current = name;
    props.setExpanded(open);
  };
  const onDbl = (ev: MouseEvent) => { const b = hit(ev); if (b) toggle(b.name); };
  const onWheel = (ev: WheelEvent) => {
    ev.preventDefault();
    const c = canvas.current!;
    const r = c.getBoundingClientRect();
    const mx = ev.clientX - r.left, my = ev.clientY - r.top;
    const f = Math.exp(-ev.deltaY * 0.0015);
    const k = Math.min(8, Math.max(0.02, cam.current.k * f));
    cam.current.x = mx - ((mx - cam.current.x) * k) / cam.current.k;
    cam.current.y = my - ((my - cam.current.y) * k) / cam.current.k;
    cam.current.k = k;
    cam.current.moved = true;
    schedule();
  };

  return (
    <div class="graph-pane" ref={wrap} data-boxes={drawing?.boxes.length ?? 0} aria-busy={laying || (!drawing && !error)}>
      <div class="graph-pane-bar">
        <span class="graph-pane-label">{props.label}</span>
        <button class="graph-fit" onClick={fitView} title="Fit the graph to the view">Fit</button>
        <button class="graph-collapse" onClick={() => props.setExpanded(new Set())} title="Close every group">Collapse all</button>
        <button class="graph-open-all" title="Open every group (large graphs take a while to lay out)"
          onClick={() => props.setExpanded(new Set([...model.groups.keys()].filter((g) => g !== "")))}>Open all</button>
        {selected && isGroupId(selected) && (
          <button class="graph-toggle" onClick={() => toggle(selected)}>{expanded.has(groupPath(selected)) ? "Close group" : "Open group"}</button>
        )}
        {laying && <span class="muted">laying out…</span>}
        {error && <span class="error">{error}</span>}
      </div>
      <canvas class="graph-canvas" ref={canvas} onMouseDown={onDown} onMouseMove={onMove} onMouseUp={onUp}
        onDblClick={onDbl} onWheel={onWheel} />
    </div>
  );
}

const fitted = new Map<string, string>();

function fit(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  const key = `${ctx.font}|${Math.round(width)}|${text}`;
  let out = fitted.get(key);
  if (out === undefined) {
    out = truncate(ctx, text, width);
    if (fitted.size > 50_000) fitted.clear();
    fitted.set(key, out);
  }
  return out;
}

function truncate(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let lo = 0, hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= width) lo = mid; else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}
