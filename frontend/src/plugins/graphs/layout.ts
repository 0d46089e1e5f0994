// Composes the drawn graph from per-level layouts. Each expanded group's children are laid out
// by the worker on their own (a collapsed group is one box of fixed size, an expanded one the
// size of its own layout), bottom-up; results are cached by the sizes of the children, so
// expanding one group re-lays out only that group and its ancestors' levels.
import ELK, { type ElkNode, type ElkPoint } from "elkjs/lib/elk-api.js";
import elkWorkerUrl from "elkjs/lib/elk-worker.min.js?url";
import { formatCount, groupPath, isGroupId, type LevelEdge, level, type Model } from "./model";

export const LEAF_H = 26;
export const GROUP_H = 38;
export const HEADER = 22;
export const PAD = 12;

export interface Box {
  name: string;            // node name, or group path + "/" (groupId)
  kind: "leaf" | "group" | "expanded";
  x: number; y: number; w: number; h: number;
  depth: number;
}

export interface DrawnEdge {
  source: string;          // box names
  target: string;
  count: number;
  points: [number, number][];
}

export interface Drawing {
  boxes: Box[];
  edges: DrawnEdge[];
  width: number;
  height: number;
  index: Map<string, Box>;
}

interface LevelLayout {
  key: string;
  positions: Record<string, [number, number]>;
  routes: Record<string, [number, number][]>;
  edges: LevelEdge[];
  width: number;
  height: number;
}

const textWidth = (s: string, px: number) => Math.ceil(s.length * px * 0.6);

export function leafSize(label: string, op: string): [number, number] {
  return [Math.min(240, Math.max(64, Math.max(textWidth(label, 11), textWidth(op, 10)) + 16)), LEAF_H];
}

export function groupStats(count: number, params: number): string {
  return `${count} ops${params ? ` · ${formatCount(params)} params` : ""}`;
}

export function groupSize(label: string, stats = ""): [number, number] {
  return [Math.min(280, Math.max(100, textWidth(`+ ${label}`, 14) + 18, textWidth(stats, 11) + 18)), GROUP_H];
}

type Run = (req: { nodes: { id: string; width: number; height: number }[]; edges: { id: string; source: string; target: string }[] }) =>
  Promise<{ positions: Record<string, [number, number]>; edges: Record<string, [number, number][]>; width: number; height: number }>;

/** A worker-backed layout service; one instance per graph pane. */
export class Layouts {
  private cache = new Map<string, { key: string; result: Promise<LevelLayout> }>();
  private levels = new Map<string, ReturnType<typeof level>>();
  constructor(private model: Model, private run: Run) {}

  private sizeOf(id: string, expanded: Set<string>, inner: Map<string, [number, number]>): [number, number] {
    if (isGroupId(id)) {
      const path = groupPath(id);
      const g = this.model.groups.get(path)!;
      return expanded.has(path) ? inner.get(path)! : groupSize(g.label, groupStats(g.count, g.params));
    }
    const n = this.model.nodes.get(id)!;
    return leafSize(id.slice(id.lastIndexOf("/") + 1), n.op);
  }

  private levelOf(path: string) {
    let l = this.levels.get(path);
    if (!l) { l = level(this.model, path); this.levels.set(path, l); }
    return l;
  }

  /** Lay out every expanded group (bottom-up) and compose the drawing. */
  async draw(expanded: Set<string>): Promise<Drawing> {
    const inner = new Map<string, [number, number]>(); // expanded group -> its box size
    const layouts = new Map<string, LevelLayout>();
    const visit = async (path: string): Promise<void> => {
      const { children, edges } = this.levelOf(path);
      await Promise.all(children.filter((c) => isGroupId(c) && expanded.has(groupPath(c))).map((c) => visit(groupPath(c))));
      const sizes = children.map((c) => this.sizeOf(c, expanded, inner));
      const key = JSON.stringify(sizes);
      // Kept as promises: two draws asking for the same level share one layout.
      let pending = this.cache.get(path);
      if (!pending || pending.key !== key) {
        const result = this.run({
          nodes: children.map((c, i) => ({ id: c, width: sizes[i][0], height: sizes[i][1] })),
          edges: edges.map((e, i) => ({ id: `e${i}`, source: e.source, target: e.target })),
        }).then((res) => ({ key, positions: res.positions, routes: res.edges, edges, width: res.width, height: res.height }));
        pending = { key, result };
        this.cache.set(path, pending);
        result.catch(() => { if (this.cache.get(path) === pending) this.cache.delete(path); });
      }
      const lay = await pending.result;
      layouts.set(path, lay);
      inner.set(path, [Math.max(lay.width + 2 * PAD, groupSize(this.model.groups.get(path)!.label)[0]), lay.height + HEADER + PAD]);
    };
    await visit("");
    const boxes: Box[] = [];
    const drawn: DrawnEdge[] = [];
    const place = (path: string, ox: number, oy: number, depth: number) => {
      const lay = layouts.get(path)!;
      const { children } = this.levelOf(path);
      for (const c of children) {
        const [x, y] = lay.positions[c] ?? [0, 0];
        const [w, h] = this.sizeOf(c, expanded, inner);
        const isGroup = isGroupId(c);
        const open = isGroup && expanded.has(groupPath(c));
        boxes.push({ name: c, kind: open ? "expanded" : isGroup ? "group" : "leaf", x: ox + x, y: oy + y, w, h, depth });
        if (open) place(groupPath(c), ox + x + PAD, oy + y + HEADER, depth + 1);
      }
      lay.edges.forEach((e, i) => {
        const pts = lay.routes[`e${i}`];
        if (pts) drawn.push({ source: e.source, target: e.target, count: e.count, points: pts.map(([x, y]) => [ox + x, oy + y]) });
      });
    };
    place("", 0, 0, 0);
    const root = layouts.get("")!;
    return { boxes, edges: drawn, width: root.width, height: root.height, index: new Map(boxes.map((b) => [b.name, b])) };
  }
}

let elk: InstanceType<typeof ELK> | null = null;

/** Start ELK's worker (1.6 MB of code to load and initialize) before the first graph arrives. */
export function warmLayout(): void {
  // A small layered graph with branches, so the worker's first real layout finds the layered
  // algorithm's code already compiled, not only loaded.
  const nodes = Array.from({ length: 40 }, (_, i) => ({ id: `n${i}`, width: 80 + (i % 3) * 20, height: 30 }));
  const edges = nodes.slice(1).flatMap((n, i) => [
    { id: `a${i}`, source: `n${i}`, target: n.id },
    ...(i % 4 === 0 && i + 3 < nodes.length ? [{ id: `b${i}`, source: `n${i}`, target: `n${i + 3}` }] : []),
  ]);
  void workerLayout({ nodes, edges }).catch(() => undefined);
}

/** Lays out one level with ELK's layered algorithm, run in ELK's own web worker. */
export const workerLayout: Run = async (req) => {
  elk ??= new ELK({ workerFactory: () => new Worker(elkWorkerUrl) });
  const graph: ElkNode = {
    id: "level",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "DOWN",
      "elk.edgeRouting": "POLYLINE",
      "elk.layered.spacing.nodeNodeBetweenLayers": "36",
      "elk.spacing.nodeNode": "18",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
      "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
      // Fewer crossing-minimization sweeps than the default 7: network graphs are mostly
      // chains, and a level is laid out while the user waits for it.
      "elk.layered.thoroughness": "1",
    },
    children: req.nodes,
    edges: req.edges.map((x) => ({ id: x.id, sources: [x.source], targets: [x.target] })),
  };
  performance.mark("ridgeline:layout-start");
  const out = await elk.layout(graph);
  performance.mark("ridgeline:layout-end");
  const positions: Record<string, [number, number]> = {};
  for (const c of out.children ?? []) positions[c.id] = [c.x ?? 0, c.y ?? 0];
  const edges: Record<string, [number, number][]> = {};
  for (const edge of out.edges ?? []) {
    const s = edge.sections?.[0];
    if (!s) continue;
    edges[edge.id] = [[s.startPoint.x, s.startPoint.y], ...(s.bendPoints ?? []).map((p: ElkPoint): [number, number] => [p.x, p.y]), [s.endPoint.x, s.endPoint.y]];
  }
  return { positions, edges, width: out.width ?? 0, height: out.height ?? 0 };
};
