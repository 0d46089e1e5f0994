// The runs filter: an expression over a run's fields (`lr < 0.01 and optimizer == "adam"`)
// or, when the text is not one, a regex over its name. Expressions: comparisons (== != < <=
// > >=, `~` regex match, `in` for a run tag), `and` / `or` / `not`, parentheses, numbers,
// "strings", true/false, null; a field is a name (`lr`, `opt.name`, `loss/train`) or any text
// in backticks. Unknown fields are null, and null compares false with everything but `==
// null`. A tiny recursive-descent parser: never eval.

export type Value = number | string | boolean | null;
export type Lookup = (field: string) => Value | Value[];

type Node =
  | { k: "lit"; v: Value }
  | { k: "field"; name: string }
  | { k: "cmp"; op: string; a: Node; b: Node }
  | { k: "and" | "or"; a: Node; b: Node }
  | { k: "not"; a: Node };

interface Token { t: "num" | "str" | "id" | "op" | "(" | ")"; v: string }

const OPS = ["==", "!=", "<=", ">=", "<", ">", "~", "="];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === "(" || c === ")") { out.push({ t: c, v: c }); i++; continue; }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) { out.push({ t: "op", v: op === "=" ? "==" : op }); i += op.length; continue; }
    if (c === '"' || c === "'") {
      let j = i + 1; let s = "";
      while (j < src.length && src[j] !== c) { if (src[j] === "\\" && j + 1 < src.length) j++; s += src[j++]; }
      if (j >= src.length) throw new Error("unclosed string");
      out.push({ t: "str", v: s }); i = j + 1; continue;
    }
    if (c === "`") {
      const j = src.indexOf("`", i + 1);
      if (j < 0) throw new Error("unclosed `");
      out.push({ t: "id", v: src.slice(i + 1, j) }); i = j + 1; continue;
    }
    const num = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?/i.exec(src.slice(i));
    if (num && !/[\w.]/.test(src[i + num[0].length] ?? "")) { out.push({ t: "num", v: num[0] }); i += num[0].length; continue; }
    const id = /^[A-Za-z_][\w./-]*/.exec(src.slice(i));
    if (id) { out.push({ t: "id", v: id[0] }); i += id[0].length; continue; }
    throw new Error(`unexpected ${c}`);
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private toks: Token[]) {}
  private peek(): Token | undefined { return this.toks[this.i]; }
  private word(w: string): boolean {
    const t = this.peek();
    if (t?.t === "id" && t.v.toLowerCase() === w) { this.i++; return true; }
    return false;
  }
  parse(): Node {
    const n = this.or();
    if (this.i < this.toks.length) throw new Error(`unexpected ${this.toks[this.i].v}`);
    return n;
  }
  private or(): Node { let a = this.and(); while (this.word("or")) a = { k: "or", a, b: this.and() }; return a; }
  private and(): Node { let a = this.not(); while (this.word("and")) a = { k: "and", a, b: this.not() }; return a; }
  private not(): Node { return this.word("not") ? { k: "not", a: this.not() } : this.cmp(); }
  private cmp(): Node {
    const a = this.atom();
    const t = this.peek();
    if (t?.t === "op") { this.i++; return { k: "cmp", op: t.v, a, b: this.atom() }; }
    if (this.word("in")) return { k: "cmp", op: "in", a, b: this.atom() };
    return a;
  }
  private atom(): Node {
    const t = this.toks[this.i++];
    if (!t) throw new Error("unexpected end");
    if (t.t === "(") {
      const n = this.or();
      if (this.toks[this.i++]?.t !== ")") throw new Error("missing )");
      return n;
    }
    if (t.t === "num") return { k: "lit", v: Number(t.v) };
    if (t.t === "str") return { k: "lit", v: t.v };
    if (t.t === "id") {
      const w = t.v.toLowerCase();
      if (w === "true" || w === "false") return { k: "lit", v: w === "true" };
      if (w === "null" || w === "none") return { k: "lit", v: null };
      return { k: "field", name: t.v };
    }
    throw new Error(`unexpected ${t.v}`);
  }
}

function hasComparison(n: Node): boolean {
  if (n.k === "cmp") return true;
  if (n.k === "and" || n.k === "or") return hasComparison(n.a) || hasComparison(n.b);
  if (n.k === "not") return hasComparison(n.a);
  return false;
}

function evaluate(n: Node, get: Lookup): Value | Value[] {
  switch (n.k) {
    case "lit": return n.v;
    case "field": return get(n.name);
    case "and": return truthy(evaluate(n.a, get)) && truthy(evaluate(n.b, get));
    case "or": return truthy(evaluate(n.a, get)) || truthy(evaluate(n.b, get));
    case "not": return !truthy(evaluate(n.a, get));
    case "cmp": return compare(n.op, evaluate(n.a, get), evaluate(n.b, get));
  }
}

function truthy(v: Value | Value[]): boolean {
  return Array.isArray(v) ? v.length > 0 : v !== null && v !== false && v !== 0 && v !== "";
}

function compare(op: string, a: Value | Value[], b: Value | Value[]): boolean {
  if (op === "in") return Array.isArray(b) ? b.includes(a as Value) : typeof b === "string" && typeof a === "string" && b.includes(a);
  if (Array.isArray(a) || Array.isArray(b)) {
    const list = (Array.isArray(a) ? a : b) as Value[];
    const one = (Array.isArray(a) ? b : a) as Value;
    return op === "==" ? list.includes(one) : op === "!=" ? !list.includes(one) : false;
  }
  if (op === "==") return a === b || (a !== null && b !== null && String(a) === String(b) && typeof a !== typeof b);
  if (op === "!=") return !compare("==", a, b);
  if (a === null || b === null) return false;
  if (op === "~") {
    try { return new RegExp(String(b), "i").test(String(a)); } catch { return false; }
  }
  const x = typeof a === "string" && typeof b === "number" ? Number(a) : a;
  const y = typeof b === "string" && typeof a === "number" ? Number(b) : b;
  if (typeof x === "number" && typeof y === "number" && (Number.isNaN(x) || Number.isNaN(y))) return false;
  switch (op) {
    case "<": return x < y;
    case "<=": return x <= y;
    case ">": return x > y;
    case ">=": return x >= y;
  }
  return false;
}

export interface RunFilter {
  kind: "all" | "expression" | "regex" | "invalid";
  test: (name: string, get: Lookup) => boolean;
  fields: string[];      // the fields an expression names (what must be read to evaluate it)
  error?: string;
}

function fieldsOf(n: Node): string[] {
  switch (n.k) {
    case "field": return [n.name];
    case "lit": return [];
    case "not": return fieldsOf(n.a);
    default: return [...fieldsOf(n.a), ...fieldsOf(n.b)];
  }
}

// An expression if the text parses as one with a comparison in it; else a regex on the name.
export function compileFilter(text: string): RunFilter {
  const src = text.trim();
  if (!src) return { kind: "all", test: () => true, fields: [] };
  let expressionError: string | undefined;
  try {
    const node = new Parser(tokenize(src)).parse();
    if (hasComparison(node)) return { kind: "expression", test: (_name, get) => truthy(evaluate(node, get)), fields: [...new Set(fieldsOf(node))] };
  } catch (e) {
    expressionError = (e as Error).message;
  }
  try {
    const re = new RegExp(src, "i");
    return { kind: "regex", test: (name) => re.test(name), fields: [] };
  } catch (e) {
    return { kind: "invalid", test: () => true, fields: [], error: expressionError ?? (e as Error).message };
  }
}
