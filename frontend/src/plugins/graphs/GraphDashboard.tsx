// The graph dashboard: pick a run's graph (op graph, Keras model, traced run metadata) or a
// function of its library, search nodes by name or op (Enter shows the first hit), read a
// node's op, attributes, shapes, dtypes and parameters in the side panel, colour by
// structure/op/device/parameters, and put a second graph beside it with the differing nodes
// marked.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { type GraphBody, type GraphEntry, graphs } from "../../api/client";
import { useFetch } from "../../core/hooks";
import type { DashboardProps } from "../../core/registry";
import { type ColorBy, GraphPane, type PaneHandle } from "./GraphPane";
import { warmLayout } from "./layout";
import { buildModel, diff, formatCount, groupPath, initialExpansion, inputName, isGroupId, type Model } from "./model";

// Loading this module (as soon as the URL names the graph dashboard) starts everything the
// first picture needs at once: ELK's worker, the graph list and the graph the URL names (or
// the first), instead of one after the other once the dashboard has mounted.
warmLayout();
const early = (() => {
  const wanted = new URLSearchParams(window.location.search).get("graph") ?? "";
  const list = graphs.list();
  const graph = list.then((l) => {
    const entry = l.graphs.find((g) => key(g) === wanted) ?? l.graphs[0];
    return entry ? { entry, body: graphs.graph(entry.run, entry.tag) } : null;
  });
  list.catch(() => undefined);
  graph.catch(() => undefined);
  return { list, graph, used: false };
})();

function key(g: GraphEntry): string {
  return `${g.run}\u0000${g.tag ?? ""}`;
}
const title = (g: GraphEntry) => `${g.run}${g.tag ? ` · ${g.tag}` : ""} (${g.kind === "op" ? "op graph" : g.kind === "keras" ? "Keras model" : "run metadata"})`;

/** The groups open for `model`: as the user left them, carried over to a new version of the
 * graph where they still exist; a graph never opened starts from its first-sight groups. */
function carry(state: { model: Model | null; open: Set<string> }, model: Model | null, initial: Set<string>): Set<string> {
  if (!model || state.model === model) return state.model ? state.open : initial;
  if (!state.model) return initial;
  return new Set([...state.open].filter((g) => model.groups.has(g)));
}

function sameGraph(a: GraphBody, b: GraphBody): boolean {
  if (a.run !== b.run || a.tag !== b.tag || a.step !== b.step || a.nodes.length !== b.nodes.length) return false;
  return a.nodes.every((n, i) => n.name === b.nodes[i].name && n.op === b.nodes[i].op);
}

function useGraph(entry: GraphEntry | undefined, fn: string, generation: number) {
  const [body, setBody] = useState<GraphBody | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!entry) { setBody(null); return; }
    let stop = false;
    const prefetched = early.graph.then((g) => (g && key(g.entry) === key(entry) && !early.used ? g.body : null));
    prefetched.then((p) => { early.used = true; return p ?? graphs.graph(entry.run, entry.tag); }).then((b) => {
      performance.mark("ridgeline:graph-received");
      if (stop) return;
      // New data elsewhere in the logdir refetches the graph: the same graph keeps its model
      // (and so what is open and selected).
      setBody((old) => (old && sameGraph(old, b) ? old : b));
      setError(null);
    })
      .catch((e: Error) => { if (!stop) setError(e.message); });
    return () => { stop = true; };
  }, [entry?.run, entry?.tag, generation]);
  const model = useMemo(() => {
    if (!body) return null;
    const m = buildModel(fn && body.functions[fn] ? body.functions[fn] : body.nodes);
    performance.mark("ridgeline:graph-model-built");
    return m;
  }, [body, fn]);
  return { body, model, error };
}

function Shape({ s }: { s: number[] | null }) {
  return <code>{s === null ? "?" : `[${s.map((d) => (d < 0 ? "?" : d)).join(", ")}]`}</code>;
}

function SidePanel({ model, name, onPick }: { model: Model; name: string; onPick: (n: string) => void }) {
  if (isGroupId(name)) {
    const g = model.groups.get(groupPath(name));
    if (!g) return null;
    const ops = [...g.ops.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
    return (
      <div class="graph-side">
        <h3 class="graph-side-name">{g.path}</h3>
        <table class="kv">
          <tr><th>Kind</th><td>group (name scope)</td></tr>
          <tr><th>Operations</th><td class="graph-side-count">{g.count}</td></tr>
          {g.params > 0 && <tr><th>Parameters</th><td class="graph-side-params">{g.params.toLocaleString()}</td></tr>}
          {g.devices.size > 0 && <tr><th>Devices</th><td>{[...g.devices].join(", ")}</td></tr>}
        </table>
        <h4>Operations by type</h4>
        <table class="kv">{ops.map(([op, c]) => <tr key={op}><th>{op}</th><td>{c}</td></tr>)}</table>
      </div>
    );
  }
  const n = model.nodes.get(name);
  if (!n) return null;
  const types = (n.attr._output_types as string[] | undefined) ?? [];
  const outputs = model.consumers.get(name) ?? [];
  const attrs = Object.entries(n.attr).filter(([k]) => k !== "_output_types");
  return (
    <div class="graph-side">
      <h3 class="graph-side-name">{n.name}</h3>
      <table class="kv">
        <tr><th>Op</th><td class="graph-side-op">{n.op}</td></tr>
        {n.device && <tr><th>Device</th><td>{n.device}</td></tr>}
        {typeof n.attr.num_params === "number" && <tr><th>Parameters</th><td class="graph-side-params">{(n.attr.num_params as number).toLocaleString()}</td></tr>}
      </table>
      {(n.output_shapes?.length ?? 0) > 0 && (
        <>
          <h4>Outputs</h4>
          <ul class="graph-shapes">
            {n.output_shapes!.map((s, i) => <li key={i}>{types[i] ?? ""} <Shape s={s} /></li>)}
          </ul>
        </>
      )}
      <h4>Inputs ({n.inputs.length})</h4>
      <ul class="graph-links">
        {n.inputs.map((raw) => {
          const src = model.nodes.get(inputName(raw));
          const types = (src?.attr._output_types as string[] | undefined) ?? [];
          return (
            <li key={raw}>
              <a href="#" onClick={(e) => { e.preventDefault(); if (src) onPick(src.name); }}>{raw}</a>
              {src?.output_shapes?.[0] !== undefined && <> {types[0] ?? ""} <Shape s={src.output_shapes[0]} /></>}
            </li>
          );
        })}
      </ul>
      <h4>Consumers ({outputs.length})</h4>
      <ul class="graph-links">
        {outputs.slice(0, 100).map((c) => <li key={c}><a href="#" onClick={(e) => { e.preventDefault(); onPick(c); }}>{c}</a></li>)}
      </ul>
      {attrs.length > 0 && (
        <>
          <h4>Attributes</h4>
          <table class="kv graph-attrs">
            {attrs.map(([k, v]) => <tr key={k}><th>{k}</th><td>{typeof v === "string" ? v : JSON.stringify(v)}</td></tr>)}
          </table>
        </>
      )}
    </div>
  );
}

export function GraphDashboard(props: DashboardProps) {
  const { view, setView } = props;
  const ext = view.ext;
  const firstList = useRef(true);
  const list = useFetch(() => {
    const l = firstList.current ? early.list : graphs.list();
    firstList.current = false;
    return l;
  }, [props.generation]);
  const entries = list.data?.graphs ?? [];
  const pick = (k: string) => entries.find((g) => key(g) === k);
  const first = pick(ext.graph) ?? entries[0];
  const second = ext.compare ? pick(ext.compare) : undefined;
  const a = useGraph(first, ext.gfn, props.generation);
  const b = useGraph(second, "", props.generation);
  // Which groups are open, per graph; a new graph starts from its first-sight groups (made
  // with the model, so the first layout is asked for once).
  const [openA, setOpenA] = useState<{ model: Model | null; open: Set<string> }>({ model: null, open: new Set() });
  const [openB, setOpenB] = useState<{ model: Model | null; open: Set<string> }>({ model: null, open: new Set() });
  const initialA = useMemo(() => (a.model ? initialExpansion(a.model) : new Set<string>()), [a.model]);
  const initialB = useMemo(() => (b.model ? initialExpansion(b.model) : new Set<string>()), [b.model]);
  const expandedA = useMemo(() => carry(openA, a.model, initialA), [openA, a.model, initialA]);
  const expandedB = useMemo(() => carry(openB, b.model, initialB), [openB, b.model, initialB]);
  const [query, setQuery] = useState("");
  // The results list drops down over the graph: it is open while the user types, and closes on
  // Enter (which shows the first hit), Escape, a pick, a click outside the search box, and when
  // groups are opened or closed ("Open all", "Collapse all", a double-click).
  const [listOpen, setListOpen] = useState(false);
  const searchBox = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    if (!listOpen) return;
    const away = (e: MouseEvent) => { if (!searchBox.current?.contains(e.target as Node)) setListOpen(false); };
    document.addEventListener("mousedown", away);
    return () => document.removeEventListener("mousedown", away);
  }, [listOpen]);
  const setExpandedA = (open: Set<string>) => { setListOpen(false); setOpenA({ model: a.model, open }); };
  const setExpandedB = (open: Set<string>) => { setListOpen(false); setOpenB({ model: b.model, open }); };
  const paneA = useRef<PaneHandle | null>(null);
  const selected = ext.gnode || null;
  const colorBy = (ext.gcolor || "structure") as ColorBy;
  const setExt = (patch: Record<string, string>) => setView({ ext: { ...ext, ...patch } });

  // A node named in the URL is shown: its groups opened, the view centred on it.
  const revealed = useRef<string | null>(null);
  useEffect(() => {
    if (a.model && selected && revealed.current !== selected && (a.model.nodes.has(selected) || a.model.groups.has(groupPath(selected)))) {
      revealed.current = selected;
      paneA.current?.reveal(selected);
    }
  }, [a.model]);

  const marks = useMemo(() => (a.model && b.model ? { a: diff(a.model, b.model), b: diff(b.model, a.model) } : null), [a.model, b.model]);
  const differing = marks ? [...marks.a.entries(), ...marks.b.entries()].filter(([n, m]) => !isGroupId(n) && m).length : 0;

  const matches = useMemo(() => {
    if (!a.model || query.trim().length < 1) return [];
    const needle = query.trim().toLowerCase();
    const found: { name: string; op: string }[] = [];
    for (const n of a.model.nodes.values()) {
      if (n.name.toLowerCase().includes(needle) || n.op.toLowerCase().includes(needle)) {
        found.push({ name: n.name, op: n.op });
        if (found.length >= 200) break;
      }
    }
    return found;
  }, [a.model, query]);

  if (list.error) return <div class="error">{list.error}</div>;
  if (!list.data) return <div class="loading">loading…</div>;
  if (!entries.length) return <div class="empty">No graphs in this logdir.</div>;
  const functions = Object.keys(a.body?.functions ?? {});

  return (
    <div class="graph-dashboard">
      <div class="graph-controls">
        {/* First in the row: its results drop down over the graph's left side, never over a pane's buttons. */}
        <div class="graph-search" ref={searchBox}>
          <input class="graph-search-input" placeholder="Search nodes by name or op" value={query}
            onInput={(e) => { setQuery((e.target as HTMLInputElement).value); setListOpen(true); }}
            onFocus={() => setListOpen(true)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                setListOpen(false);
                if (matches.length) paneA.current?.reveal(matches[0].name);
              } else if (e.key === "Escape") setListOpen(false);
            }} />
          {query && listOpen && (
            <ul class="graph-results">
              {matches.length === 0 && <li class="muted">no node matches</li>}
              {matches.map((m) => (
                <li key={m.name}><a href="#" onClick={(e) => { e.preventDefault(); setQuery(""); setListOpen(false); paneA.current?.reveal(m.name); }}>
                  {m.name} <span class="muted">{m.op}</span></a></li>
              ))}
            </ul>
          )}
        </div>
        <label class="row">Graph
          <select class="graph-select" value={first ? key(first) : ""} onChange={(e) => setExt({ graph: (e.target as HTMLSelectElement).value, gfn: "", gnode: "" })}>
            {entries.map((g) => <option key={key(g)} value={key(g)}>{title(g)}</option>)}
          </select>
        </label>
        {functions.length > 0 && (
          <label class="row">Function
            <select class="graph-function" value={ext.gfn} onChange={(e) => setExt({ gfn: (e.target as HTMLSelectElement).value, gnode: "" })}>
              <option value="">(the graph)</option>
              {functions.map((f) => <option key={f} value={f}>{f}</option>)}
            </select>
          </label>
        )}
        <label class="row">Compare with
          <select class="graph-compare" value={ext.compare} onChange={(e) => setExt({ compare: (e.target as HTMLSelectElement).value })}>
            <option value="">(none)</option>
            {entries.map((g) => <option key={key(g)} value={key(g)}>{title(g)}</option>)}
          </select>
        </label>
        <label class="row">Color by
          <select class="graph-color" value={colorBy} onChange={(e) => setExt({ gcolor: (e.target as HTMLSelectElement).value })}>
            <option value="structure">Structure</option><option value="op">Op type</option>
            <option value="device">Device</option><option value="params">Parameters</option>
          </select>
        </label>
      </div>
      {a.model && (
        <div class="graph-summary muted">
          {a.model.nodes.size.toLocaleString()} nodes · {(a.model.groups.size - 1).toLocaleString()} groups
          {a.model.groups.get("")!.params > 0 && ` · ${formatCount(a.model.groups.get("")!.params)} parameters`}
          {marks && <span class="graph-diff-count"> · {differing} differing node{differing === 1 ? "" : "s"}</span>}
        </div>
      )}
      {(a.error || b.error) && <div class="error">{a.error ?? b.error}</div>}
      <div class={`graph-main${second ? " compare" : ""}`}>
        {a.model && first && (
          <GraphPane model={a.model} colorBy={colorBy} selected={selected} onSelect={(n) => setExt({ gnode: n ?? "" })}
            expanded={expandedA} setExpanded={setExpandedA} marks={marks?.a} dark={view.dark}
            label={title(first)} handle={(h) => { paneA.current = h; }} />
        )}
        {second && b.model && (
          <GraphPane model={b.model} colorBy={colorBy} selected={selected} onSelect={(n) => setExt({ gnode: n ?? "" })}
            expanded={expandedB} setExpanded={setExpandedB} marks={marks?.b} dark={view.dark}
            label={title(second)} />
        )}
        {/* The side panel is always there (a hint until something is picked): picking a node
            must not narrow the graph, or the view would be fitted again between the two
            clicks of a double-click and the second would miss. */}
        {a.model && (selected && (a.model.nodes.has(selected) || (isGroupId(selected) && a.model.groups.has(groupPath(selected))))
          ? <SidePanel model={a.model} name={selected} onPick={(n) => paneA.current?.reveal(n)} />
          : <div class="graph-side graph-side-hint muted">Click a node or group to see its op, attributes, shapes and parameters; double-click a group to open or close it.</div>)}
        {!a.model && !a.error && <div class="loading">loading the graph…</div>}
      </div>
    </div>
  );
}
