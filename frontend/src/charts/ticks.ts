// Round tick values for axes drawn by hand (canvas, SVG): 1, 2 or 5 times a power of ten, so an
// axis reads -0.1, -0.05, 0, 0.05, 0.1 rather than -0.086141, -0.043070...

export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  // The nearest of 1, 2, 5, 10 on a log scale (geometric midpoints).
  return (f >= Math.sqrt(50) ? 10 : f >= Math.sqrt(10) ? 5 : f >= Math.sqrt(2) ? 2 : 1) * mag;
}

// Ticks inside [lo, hi], about `count` of them.
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [lo] : [];
  const step = niceStep(hi - lo, count);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Number((Math.abs(v) < step * 1e-9 ? 0 : v).toPrecision(12)));
  }
  return out;
}

// A tick label with no more digits than the step needs.
export function tickLabel(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-4) ? v.toExponential(1) : v.toFixed(Math.min(decimals, 10));
}

// Labels for the ticks of one axis, all distinct: as many decimals as the tick spacing needs,
// and more where rounding would still print two ticks alike (0.0015 and 0.002 both "0.002").
// `fmt(v, decimals)` writes one label (decimals is negative for spacings of 10 and more); the
// default writes plain numbers with thousands separators, and exponents outside 1e-5..1e9.
export function distinctLabels(values: number[], incr: number, fmt: (v: number, decimals: number) => string = plainNumber): string[] {
  // The decimals that write the spacing exactly (0.0025 needs 4: ticks 1.0100, 1.0125, never "1.013").
  let base = Number.isFinite(incr) && incr > 0 ? -Math.floor(Math.log10(incr) + 1e-9) : 0;
  while (base < 20 && Number.isFinite(incr) && incr > 0 && Math.abs(incr * 10 ** base - Math.round(incr * 10 ** base)) > 1e-6 * incr * 10 ** base) base++;
  const zero = Number.isFinite(incr) && incr > 0 ? incr * 1e-9 : 0;
  for (let d = base; ; d++) {
    const labels = values.map((v) => (Number.isFinite(v) ? fmt(Math.abs(v) <= zero ? 0 : v, d) : ""));
    const shown = labels.filter((l) => l !== "");
    if (new Set(shown).size === shown.length || d >= base + 15) return labels;
  }
}

export function plainNumber(v: number, decimals: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e9 || a < 1e-5)) {
    const digits = Math.max(0, Math.min(14, Math.floor(Math.log10(a)) + decimals));
    return v.toExponential(digits).replace("e+", "e");
  }
  const d = Math.max(0, Math.min(15, decimals));
  return v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}
