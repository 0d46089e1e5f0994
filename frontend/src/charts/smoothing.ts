// TensorBoard's debiased exponential moving average ("classic" smoothing).
// Index-based; non-finite points pass through and do not advance the debias counter; a
// constant series is returned as is.
export function smooth(values: readonly number[], weight: number): number[] {
  const w = Number.isFinite(weight) ? Math.min(Math.max(weight, 0), 1) : 0;
  const out = values.slice();
  if (w === 0 || values.length === 0) return out;
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length > 0 && finite.every((v) => v === finite[0])) return out;
  let last = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const y = values[i];
    if (!Number.isFinite(y)) continue;
    last = last * w + (1 - w) * y;
    n += 1;
    const debias = w === 1 ? 1 : 1 - Math.pow(w, n);
    out[i] = last / debias;
  }
  return out;
}
