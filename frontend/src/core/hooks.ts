// Hooks every dashboard shares: fetch-with-state, and "is this element on screen yet".
import { useEffect, useRef, useState } from "preact/hooks";

export interface Loaded<T> { data: T | null; error: string | null }

// Runs `load` whenever `deps` change (pass the data generation to refetch on new data);
// keeps the last data while a refetch is in flight so views do not flash.
export function useFetch<T>(load: (() => Promise<T>) | null, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null });
  useEffect(() => {
    if (!load) return;
    let cancelled = false;
    load()
      .then((data) => { if (!cancelled) setState({ data, error: null }); })
      .catch((e: Error) => { if (!cancelled) setState((s) => ({ data: s.data, error: e.message })); });
    return () => { cancelled = true; };
  }, deps);
  return state;
}

// True once the element has come within `margin` of the viewport (then stays true), so cards
// below the fold fetch nothing until the user scrolls to them.
export function useVisible<E extends Element>(margin = "200px"): [preact.RefObject<E>, boolean] {
  const ref = useRef<E>(null);
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (visible || !ref.current) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) { setVisible(true); io.disconnect(); }
    }, { rootMargin: margin });
    io.observe(ref.current);
    return () => io.disconnect();
  }, [visible]);
  return [ref, visible];
}
