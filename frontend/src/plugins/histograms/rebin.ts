// Resample histograms with uneven buckets (TensorFlow's exponential ones) onto one uniform
// grid, spreading each bucket's count over the grid cells it overlaps, so slices of different
// steps can be drawn and compared on one axis.
export type Bucket = [number, number, number];

export function range(all: Bucket[][]): [number, number] | null {
  let lo = Infinity, hi = -Infinity;
  for (const h of all) for (const [l, r] of h) { lo = Math.min(lo, l); hi = Math.max(hi, r); }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return null;
  if (lo === hi) { lo -= 0.5; hi += 0.5; }
  return [lo, hi];
}

export function rebin(buckets: Bucket[], lo: number, hi: number, bins: number): number[] {
  const out = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  for (const [l, r, c] of buckets) {
    if (c === 0) continue;
    if (r <= l) {  // a zero-width bucket: all of it in one cell
      out[Math.min(bins - 1, Math.max(0, Math.floor((l - lo) / width)))] += c;
      continue;
    }
    const first = Math.max(0, Math.floor((l - lo) / width));
    const last = Math.min(bins - 1, Math.floor((r - lo) / width));
    for (let i = first; i <= last; i++) {
      const cl = lo + i * width, cr = cl + width;
      const overlap = Math.min(r, cr) - Math.max(l, cl);
      if (overlap > 0) out[i] += (c * overlap) / (r - l);
    }
  }
  return out;
}
