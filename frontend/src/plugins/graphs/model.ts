// The graph as a hierarchy: nodes grouped by name scope ("a/b/c" lives in group "a/b"), each
// group collapsed or expanded. `visibleLevel` gives, for one expanded group, the children to
// lay out and the edges between them — the unit the layout worker handles, one level at a time.
// In a level, a child group is named by its path and a trailing "/" (`groupId`), so a node
// named like a scope ("loss" beside "loss/tags") and that scope's group never share a name.

export interface GraphNode {
  name: string;
  op: string;
  inputs: string[];
  device: string;
  attr: Record<string, unknown>;
  output_shapes?: (number[] | null)[] | null;
}

export interface Group {
  path: string;           // "" for the root
  label: string;          // last scope segment
  parent: string | null;
  groups: string[];       // child groups (paths)
  leaves: string[];       // child nodes (names)
  count: number;          // operations inside, at any depth
  params: number;         // parameters inside, at any depth (num_params of Parameter nodes)
  ops: Map<string, number>;
  devices: Set<string>;
}

export interface Model {
  nodes: Map<string, GraphNode>;
  groups: Map<string, Group>;
  parentOf: Map<string, string>;   // node name -> its group path
  consumers: Map<string, string[]>; // node name -> nodes reading it
}

export const inputName = (input: string): string => {
  // "^ctrl" is a control input, "name:1" the second output of name.
  const bare = input.startsWith("^") ? input.slice(1) : input;
  const colon = bare.lastIndexOf(":");
  return colon > 0 && /^\d+$/.test(bare.slice(colon + 1)) ? bare.slice(0, colon) : bare;
};

const paramsOf = (n: GraphNode): number =>
  n.op === "Parameter" || n.op === "Initializer" || n.op === "VariableV2" || n.op === "VarHandleOp"
    ? Number(n.attr.num_params ?? 0) || 0 : 0;

export function buildModel(nodes: GraphNode[]): Model {
  const byName = new Map<string, GraphNode>();
  for (const n of nodes) byName.set(n.name, n);
  const groups = new Map<string, Group>();
  const group = (path: string): Group => {
    let g = groups.get(path);
    if (g) return g;
    const cut = path.lastIndexOf("/");
    const parent = path === "" ? null : cut < 0 ? "" : path.slice(0, cut);
    g = { path, label: path.slice(cut + 1), parent, groups: [], leaves: [], count: 0, params: 0, ops: new Map(), devices: new Set() };
    groups.set(path, g);
    if (parent !== null) group(parent).groups.push(path);
    return g;
  };
  group("");
  // A name that is also a scope ("loss" beside "loss/tags") goes inside that scope's group.
  const scopes = new Set<string>();
  for (const n of nodes) {
    const parts = n.name.split("/");
    for (let i = 1; i < parts.length; i++) scopes.add(parts.slice(0, i).join("/"));
  }
  const parentOf = new Map<string, string>();
  for (const n of nodes) {
    const cut = n.name.lastIndexOf("/");
    const path = scopes.has(n.name) ? n.name : cut < 0 ? "" : n.name.slice(0, cut);
    group(path).leaves.push(n.name);
    parentOf.set(n.name, path);
    let g: Group | undefined = groups.get(path);
    const p = paramsOf(n);
    while (g) {
      g.count += 1;
      g.params += p;
      g.ops.set(n.op, (g.ops.get(n.op) ?? 0) + 1);
      if (n.device) g.devices.add(n.device);
      g = g.parent === null ? undefined : groups.get(g.parent);
    }
  }
  const consumers = new Map<string, string[]>();
  for (const n of nodes) {
    for (const raw of n.inputs) {
      const src = inputName(raw);
      if (!byName.has(src)) continue;
      const list = consumers.get(src);
      if (list) list.push(n.name); else consumers.set(src, [n.name]);
    }
  }
  return { nodes: byName, groups, parentOf, consumers };
}

export const groupId = (path: string): string => `${path}/`;
export const isGroupId = (id: string): boolean => id.endsWith("/");
export const groupPath = (id: string): string => id.slice(0, -1);

/** The groups enclosing a node or group, outermost first (root excluded). */
export function ancestors(model: Model, name: string): string[] {
  const out: string[] = [];
  let g = model.nodes.has(name) ? model.parentOf.get(name) : model.groups.get(name)?.parent;
  while (g !== undefined && g !== null && g !== "") {
    out.unshift(g);
    g = model.groups.get(g)?.parent ?? null;
  }
  return out;
}

/** The child of `group` that holds `name` (a node name) — the node itself or a `groupId` —
 * or null when outside it. */
export function childOf(model: Model, group: string, name: string): string | null {
  let cur = model.parentOf.get(name);
  let child = name;
  while (cur !== undefined) {
    if (cur === group) return child;
    const g = model.groups.get(cur);
    if (!g || g.parent === null) return null;
    child = groupId(cur);
    cur = g.parent;
  }
  return null;
}

export interface LevelEdge { source: string; target: string; count: number }

/** The children of one group and the edges between them (each original edge between two
 * different children counted once per pair). */
export function level(model: Model, path: string): { children: string[]; edges: LevelEdge[] } {
  const g = model.groups.get(path)!;
  const children = [...g.groups.map(groupId), ...g.leaves];
  const inside = new Set(children);
  const pairs = new Map<string, LevelEdge>();
  const visit = (name: string) => {
    const node = model.nodes.get(name)!;
    const target = childOf(model, path, name);
    if (target === null || !inside.has(target)) return;
    for (const raw of node.inputs) {
      const src = inputName(raw);
      if (!model.nodes.has(src)) continue;
      const source = childOf(model, path, src);
      if (source === null || source === target) continue;
      const key = `${source}\u0000${target}`;
      const e = pairs.get(key);
      if (e) e.count += 1; else pairs.set(key, { source, target, count: 1 });
    }
  };
  const stack = [path];
  while (stack.length) {
    const cur = model.groups.get(stack.pop()!)!;
    for (const leaf of cur.leaves) visit(leaf);
    stack.push(...cur.groups);
  }
  return { children, edges: [...pairs.values()] };
}

export type DiffMark = "added" | "removed" | "changed";

/** A node's place in its graph independent of generated names (torch numbers values in trace
 * order, so one new layer renames every value after it): its group, its op, and how many
 * nodes of that op come before it in that group. */
function structuralKeys(model: Model): Map<string, string> {
  const keys = new Map<string, string>();
  const seen = new Map<string, number>();
  for (const [name, n] of model.nodes) {
    const base = `${model.parentOf.get(name) ?? ""}|${n.op}`;
    const k = seen.get(base) ?? 0;
    seen.set(base, k + 1);
    keys.set(name, `${base}|${k}`);
  }
  return keys;
}

/** Nodes of `a` with no counterpart in `b` ("added") or whose op, inputs or output shapes
 * differ ("changed"), matched by structural place (`structuralKeys`); the groups holding any
 * such node are marked "changed". */
export function diff(a: Model, b: Model): Map<string, DiffMark> {
  const marks = new Map<string, DiffMark>();
  const ka = structuralKeys(a);
  const kb = structuralKeys(b);
  const byKey = new Map<string, string>();
  for (const [name, key] of kb) byKey.set(key, name);
  const signature = (model: Model, keys: Map<string, string>, name: string) => {
    const n = model.nodes.get(name)!;
    const inputs = n.inputs.map((i) => keys.get(inputName(i)) ?? `?${inputName(i)}`).sort().join("\n");
    return `${inputs}#${JSON.stringify(n.output_shapes ?? null)}`;
  };
  const mark = (name: string, how: DiffMark) => {
    marks.set(name, how);
    for (const g of ancestors(a, name)) if (!marks.has(groupId(g))) marks.set(groupId(g), "changed");
  };
  for (const [name, key] of ka) {
    const other = byKey.get(key);
    if (other !== undefined) {
      if (signature(a, ka, name) !== signature(b, kb, other)) mark(name, "changed");
    } else if (b.nodes.has(name)) mark(name, "changed"); // the same name, another op
    else mark(name, "added");
  }
  return marks;
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** Groups to open at first sight: a scope wrapping (nearly) all of its level — a model whose
 * every layer sits under one top-level name opens onto its layers — while the picture stays
 * under `budget` boxes. */
export function initialExpansion(model: Model, budget = 30): Set<string> {
  const open = new Set<string>();
  const root = model.groups.get("")!;
  let visible = root.groups.length + root.leaves.length;
  let level = root;
  for (;;) {
    const big = level.groups.map((p) => model.groups.get(p)!).find((g) => g.count >= 0.9 * level.count);
    if (!big) break;
    const grows = big.groups.length + big.leaves.length - 1;
    if (visible + grows > budget) break;
    open.add(big.path);
    visible += grows;
    level = big;
  }
  return open;
}
