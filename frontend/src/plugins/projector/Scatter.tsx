// The projector's point view: every point one WebGL point (three.js, one draw call), round or
// its sprite thumbnail framed in the point's colour; 3-D rotates (drag), zooms (wheel) and
// pans (right-drag); 2-D pans and zooms. Selected, neighbour and matching points are drawn
// larger on top; labels and density contours live on a 2-D overlay canvas. Redraws only when
// something changed.
import { contourDensity } from "d3-contour";
import { useEffect, useRef, useState } from "preact/hooks";
import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";

export interface ScatterProps {
  coords: Float32Array;        // [n, dims] (NaN: not laid out)
  dims: 2 | 3;
  colors: Float32Array;        // [n, 3] in 0..1
  visible: Uint8Array | null;  // 0: filtered out
  emphasis: Map<number, "selected" | "neighbor" | "match">;
  labels: (i: number) => string;
  labelled: number[];          // points whose labels are drawn
  framed?: boolean;            // thumbnails framed in their point's colour (a colour-by column is chosen)
  sprite: { url: string; width: number; height: number } | null;
  contours: boolean;
  dark: boolean;
  onPick: (i: number | null) => void;
  onHover: (i: number | null) => void;
}

const VERT = `
attribute vec3 color;
attribute float size;
attribute float cell;
varying vec3 vColor;
varying float vCell;
varying float vEdge;
uniform float scale;
void main() {
  vColor = color;
  vCell = cell;
  vEdge = 3.0 / max(size, 1.0); // a 3 px frame, as a fraction of the point's width
  vec4 mv = modelViewMatrix * vec4(position, 1.0);
  gl_Position = projectionMatrix * mv;
  gl_PointSize = size * scale;
}`;

const FRAG = `
varying vec3 vColor;
varying float vCell;
varying float vEdge;
uniform sampler2D sprite;
uniform float useSprite;
uniform float frame;
uniform float perRow;
uniform vec2 cellUV;
void main() {
  vec2 p = gl_PointCoord;
  if (useSprite > 0.5) {
    // The thumbnail framed in the point's colour: colour-by (and emphasis) stay visible.
    if (frame > 0.5 && min(min(p.x, p.y), min(1.0 - p.x, 1.0 - p.y)) < vEdge) { gl_FragColor = vec4(vColor, 1.0); return; }
    float col = mod(vCell, perRow);
    float row = floor(vCell / perRow);
    vec2 uv = vec2((col + p.x) * cellUV.x, 1.0 - (row + p.y) * cellUV.y);
    gl_FragColor = texture2D(sprite, uv);
    if (gl_FragColor.a < 0.05) discard;
    return;
  }
  // Opaque round points (no blending: a software renderer pays for every blended fragment).
  if (length(p - 0.5) > 0.5) discard;
  gl_FragColor = vec4(vColor, 1.0);
}`;

const MOVING_POINTS = 25_000; // drawn while the view moves (all of them once it stops)

export function Scatter(props: ScatterProps) {
  const host = useRef<HTMLDivElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const state = useRef<{
    renderer: THREE.WebGLRenderer; scene: THREE.Scene; camera: THREE.Camera; controls: OrbitControls;
    points: THREE.Points; geometry: THREE.BufferGeometry; material: THREE.ShaderMaterial;
    center: THREE.Vector3; radius: number; frame: number; frames: number; render: () => void;
  } | null>(null);
  const propsRef = useRef(props);
  propsRef.current = props;
  const [setup, setSetup] = useState(0); // bumped when the scene is made again (dims, theme)
  const lod = useRef<{ all: THREE.BufferAttribute | null; moving: THREE.BufferAttribute | null }>({ all: null, moving: null });

  // Set-up: renderer, camera, controls — again when the dimension changes.
  useEffect(() => {
    const el = host.current!;
    const w = el.clientWidth || 800;
    const h = el.clientHeight || 600;
    const renderer = new THREE.WebGLRenderer({ antialias: false, preserveDrawingBuffer: false });
    renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    renderer.setSize(w, h);
    renderer.domElement.classList.add("projector-gl");
    el.insertBefore(renderer.domElement, el.firstChild);
    const scene = new THREE.Scene();
    scene.background = new THREE.Color(props.dark ? 0x171a21 : 0xffffff);
    const camera: THREE.Camera = props.dims === 3
      ? new THREE.PerspectiveCamera(45, w / h, 0.01, 1e6)
      : new THREE.OrthographicCamera(-w / 2, w / 2, h / 2, -h / 2, -1e6, 1e6);
    const controls = new OrbitControls(camera, renderer.domElement);
    controls.enableRotate = props.dims === 3;
    controls.screenSpacePanning = true;
    if (props.dims === 2) controls.mouseButtons = { LEFT: THREE.MOUSE.PAN, MIDDLE: THREE.MOUSE.DOLLY, RIGHT: THREE.MOUSE.PAN };
    const geometry = new THREE.BufferGeometry();
    const material = new THREE.ShaderMaterial({
      vertexShader: VERT, fragmentShader: FRAG, transparent: false, depthWrite: false, depthTest: false,
      uniforms: { scale: { value: 1 }, sprite: { value: null }, useSprite: { value: 0 }, frame: { value: 0 }, perRow: { value: 1 }, cellUV: { value: new THREE.Vector2(1, 1) } },
    });
    const points = new THREE.Points(geometry, material);
    points.frustumCulled = false;
    scene.add(points);
    const s = {
      renderer, scene, camera, controls, points, geometry, material,
      center: new THREE.Vector3(), radius: 1, frame: 0, frames: 0,
      render: () => {
        if (s.frame) return;
        s.frame = requestAnimationFrame(() => {
          s.frame = 0;
          const t0 = performance.now();
          renderer.render(scene, camera);
          drawOverlay();
          s.frames += 1;
          el.dataset.drawMs = (performance.now() - t0).toFixed(2);
          el.dataset.frames = String(s.frames);
          if (!el.dataset.firstFrameAt && s.geometry.getIndex()?.count) el.dataset.firstFrameAt = performance.now().toFixed(1);
        });
      },
    };
    state.current = s;
    controls.addEventListener("change", s.render);
    // While the view moves, a sample of the points is drawn (a software renderer draws 100k
    // points in ~60 ms); all of them again as soon as it stops.
    let settle = 0; // all points again once nothing moved for a moment (wheel zooms are start+end each)
    controls.addEventListener("start", () => {
      userMoved.current = true;
      window.clearTimeout(settle);
      if (lod.current.moving) s.geometry.setIndex(lod.current.moving);
    });
    controls.addEventListener("end", () => {
      window.clearTimeout(settle);
      settle = window.setTimeout(() => {
        if (lod.current.all) { s.geometry.setIndex(lod.current.all); s.render(); }
      }, 200);
    });
    const ro = new ResizeObserver(() => {
      const W = el.clientWidth, H = el.clientHeight;
      if (!W || !H) return;
      renderer.setSize(W, H);
      if (camera instanceof THREE.PerspectiveCamera) { camera.aspect = W / H; camera.updateProjectionMatrix(); }
      else if (camera instanceof THREE.OrthographicCamera) {
        const half = (camera.top - camera.bottom) / 2;
        camera.left = (-half * W) / H; camera.right = (half * W) / H; camera.updateProjectionMatrix();
      }
      s.render();
    });
    ro.observe(el);
    setSetup((g) => g + 1);
    return () => {
      ro.disconnect();
      controls.dispose();
      geometry.dispose();
      material.dispose();
      renderer.dispose();
      renderer.domElement.remove();
      state.current = null;
    };
  }, [props.dims, props.dark]);

  // Positions: the camera follows the layout (a t-SNE run spreads out as it goes) until the
  // user moves it; a new embedding or dimension fits again.
  const fittedFor = useRef("");
  const userMoved = useRef(false);
  useEffect(() => {
    const s = state.current;
    if (!s) return;
    const n = props.coords.length / props.dims;
    const pos = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < props.dims; d++) pos[i * 3 + d] = props.coords[i * props.dims + d];
    }
    s.geometry.setAttribute("position", new THREE.BufferAttribute(pos, 3));
    const finite = (i: number) => Number.isFinite(pos[i * 3]) && Number.isFinite(pos[i * 3 + 1]);
    const min = [Infinity, Infinity, Infinity], max = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < n; i++) {
      if (!finite(i)) continue;
      for (let d = 0; d < 3; d++) { const v = pos[i * 3 + d]; if (v < min[d]) min[d] = v; if (v > max[d]) max[d] = v; }
    }
    const center = new THREE.Vector3((min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2);
    const radius = Math.max(1e-6, Math.hypot(max[0] - min[0], max[1] - min[1], props.dims === 3 ? max[2] - min[2] : 0) / 2);
    s.center = center;
    s.radius = radius;
    const key = `${setup}:${n}:${props.dims}`;
    if (fittedFor.current !== key) { fittedFor.current = key; userMoved.current = false; }
    if (!userMoved.current) fit();
    s.render();
  }, [props.coords, setup]);

  const fit = () => {
    const s = state.current!;
    const el = host.current!;
    const { camera, controls, center, radius } = s;
    if (camera instanceof THREE.PerspectiveCamera) {
      camera.position.set(center.x, center.y, center.z + radius * 2.6);
      camera.near = radius / 100; camera.far = radius * 100; camera.updateProjectionMatrix();
    } else if (camera instanceof THREE.OrthographicCamera) {
      const aspect = (el.clientWidth || 1) / (el.clientHeight || 1);
      const half = radius * 1.08;
      camera.left = -half * aspect; camera.right = half * aspect; camera.top = half; camera.bottom = -half;
      camera.position.set(center.x, center.y, 10);
      camera.zoom = 1;
      camera.updateProjectionMatrix();
    }
    controls.target.copy(center);
    controls.update();
  };

  // Colours, sizes, visibility and emphasis.
  useEffect(() => {
    const s = state.current;
    if (!s) return;
    const n = props.coords.length / props.dims;
    const color = new Float32Array(n * 3);
    const size = new Float32Array(n);
    const cell = new Float32Array(n);
    const base = props.sprite ? 26 : n > 500_000 ? 2 : n > 50_000 ? 3 : n > 10_000 ? 4 : 7;
    const anyEmph = props.emphasis.size > 0;
    for (let i = 0; i < n; i++) {
      const hidden = props.visible !== null && !props.visible[i];
      const e = props.emphasis.get(i);
      const dim = anyEmph && !e ? 0.35 : 1;
      const bg = props.dark ? 0.09 : 0.97;
      for (let c = 0; c < 3; c++) color[i * 3 + c] = props.colors[i * 3 + c] * dim + bg * (1 - dim);
      if (e === "selected") color.fill(props.dark ? 1 : 0, i * 3, i * 3 + 3); // black (white) stands out of any palette
      size[i] = hidden ? 0 : e === "selected" ? base * 2.4 : e ? base * 1.7 : base;
      cell[i] = i;
    }
    s.geometry.setAttribute("color", new THREE.BufferAttribute(color, 3));
    s.geometry.setAttribute("size", new THREE.BufferAttribute(size, 1));
    s.geometry.setAttribute("cell", new THREE.BufferAttribute(cell, 1));
    // Emphasised points are drawn last, over the others.
    // Filtered-out points are not drawn at all.
    const shown = (i: number) => props.visible === null || props.visible[i] === 1;
    const order: number[] = [];
    for (let i = 0; i < n; i++) if (!props.emphasis.has(i) && shown(i)) order.push(i);
    for (const i of props.emphasis.keys()) if (shown(i)) order.push(i);
    const all = new THREE.Uint32BufferAttribute(order, 1);
    let moving: THREE.BufferAttribute | null = null;
    const plain = order.length - props.emphasis.size;
    if (order.length > MOVING_POINTS) {
      const stride = plain / (MOVING_POINTS - props.emphasis.size);
      const sample: number[] = [];
      for (let j = 0; j < plain; j += stride) sample.push(order[Math.floor(j)]);
      for (let j = Math.max(0, plain); j < order.length; j++) sample.push(order[j]); // emphasised ones
      moving = new THREE.Uint32BufferAttribute(sample, 1);
    }
    lod.current = { all, moving };
    s.geometry.setIndex(all);
    s.material.uniforms.scale.value = Math.min(2, window.devicePixelRatio || 1);
    s.material.uniforms.frame.value = props.framed ? 1 : 0;
    s.render();
  }, [props.coords, props.colors, props.visible, props.emphasis, props.sprite, props.dark, props.framed, setup]);

  // Sprite thumbnails as the point texture.
  useEffect(() => {
    const s = state.current;
    if (!s) return;
    if (!props.sprite) { s.material.uniforms.useSprite.value = 0; s.render(); return; }
    const { width, height } = props.sprite;
    new THREE.TextureLoader().load(props.sprite.url, (tex) => {
      tex.magFilter = THREE.NearestFilter;
      tex.minFilter = THREE.LinearFilter;
      tex.generateMipmaps = false;
      // Thumbnails of single_image_dim, row-major, as many a row as the image is wide.
      const img = tex.image as { width: number; height: number };
      s.material.uniforms.sprite.value = tex;
      s.material.uniforms.perRow.value = Math.max(1, Math.floor(img.width / width));
      s.material.uniforms.cellUV.value = new THREE.Vector2(width / img.width, height / img.height);
      s.material.uniforms.useSprite.value = 1;
      s.render();
    });
  }, [props.sprite?.url, setup]);

  useEffect(() => { state.current?.render(); }, [props.labelled, props.contours, props.labels]);

  // Screen position of every point, for picking, labels and contours.
  const project = (): { xs: Float32Array; ys: Float32Array } => {
    const s = state.current!;
    const el = host.current!;
    const W = el.clientWidth, H = el.clientHeight;
    const n = props.coords.length / props.dims;
    const pos = s.geometry.getAttribute("position") as THREE.BufferAttribute;
    const m = new THREE.Matrix4().multiplyMatrices(s.camera.projectionMatrix, s.camera.matrixWorldInverse).elements;
    const xs = new Float32Array(n), ys = new Float32Array(n);
    const arr = pos.array as Float32Array;
    for (let i = 0; i < n; i++) {
      const x = arr[i * 3], y = arr[i * 3 + 1], z = arr[i * 3 + 2];
      const w = m[3] * x + m[7] * y + m[11] * z + m[15];
      xs[i] = ((m[0] * x + m[4] * y + m[8] * z + m[12]) / w * 0.5 + 0.5) * W;
      ys[i] = (1 - ((m[1] * x + m[5] * y + m[9] * z + m[13]) / w * 0.5 + 0.5)) * H;
      if (w <= 0) xs[i] = NaN;
    }
    return { xs, ys };
  };

  const drawOverlay = () => {
    const c = overlay.current;
    const el = host.current;
    if (!c || !el) return;
    const p = propsRef.current;
    const dpr = window.devicePixelRatio || 1;
    const W = el.clientWidth, H = el.clientHeight;
    if (c.width !== Math.round(W * dpr)) { c.width = Math.round(W * dpr); c.height = Math.round(H * dpr); }
    const ctx = c.getContext("2d")!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    if (!p.labelled.length && !(p.contours && p.dims === 2)) return;
    const { xs, ys } = project();
    if (p.contours && p.dims === 2) {
      const idx: number[] = [];
      const n = xs.length;
      const step = Math.max(1, Math.floor(n / 50_000));
      for (let i = 0; i < n; i += step) if (Number.isFinite(xs[i]) && (!p.visible || p.visible[i])) idx.push(i);
      const density = contourDensity<number>().x((i) => xs[i]).y((i) => ys[i]).size([W, H]).bandwidth(18).thresholds(8)(idx);
      ctx.strokeStyle = p.dark ? "rgba(255,190,120,0.55)" : "rgba(60,80,160,0.5)";
      ctx.lineWidth = 1;
      for (const band of density) {
        ctx.beginPath();
        for (const polygon of band.coordinates) for (const ring of polygon) {
          ring.forEach(([x, y], k) => (k ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
          ctx.closePath();
        }
        ctx.stroke();
      }
    }
    ctx.font = "12px system-ui, sans-serif";
    ctx.textBaseline = "bottom";
    for (const i of p.labelled.slice(0, 200)) {
      if (!Number.isFinite(xs[i]) || (p.visible && !p.visible[i])) continue;
      const text = p.labels(i);
      const w = ctx.measureText(text).width;
      ctx.fillStyle = p.dark ? "rgba(23,26,33,0.85)" : "rgba(255,255,255,0.85)";
      ctx.fillRect(xs[i] + 6, ys[i] - 16, w + 6, 15);
      ctx.fillStyle = p.dark ? "#e6e9ef" : "#1d2330";
      ctx.fillText(text, xs[i] + 9, ys[i] - 2);
    }
  };

  const nearest = (ev: MouseEvent): number | null => {
    const r = host.current!.getBoundingClientRect();
    const mx = ev.clientX - r.left, my = ev.clientY - r.top;
    const { xs, ys } = project();
    let best = -1, bestD = 12 * 12;
    for (let i = 0; i < xs.length; i++) {
      if (props.visible && !props.visible[i]) continue;
      const dx = xs[i] - mx, dy = ys[i] - my;
      const d = dx * dx + dy * dy;
      if (d < bestD) { bestD = d; best = i; }
    }
    return best >= 0 ? best : null;
  };

  // Where point i is on screen (page coordinates), for scripts driving the page:
  // `view.ridgelinePoint(i)`.
  useEffect(() => {
    const el = host.current as (HTMLDivElement & { ridgelinePoint?: (i: number) => [number, number] | null }) | null;
    if (!el) return;
    // One frame drawn and waited for (gl.finish): what a frame costs the renderer, for scripts.
    (el as HTMLDivElement & { ridgelineFrameMs?: () => number }).ridgelineFrameMs = () => {
      const st = state.current;
      if (!st) return NaN;
      const t0 = performance.now();
      st.renderer.render(st.scene, st.camera);
      st.renderer.getContext().finish();
      return performance.now() - t0;
    };
    el.ridgelinePoint = (i: number) => {
      if (!state.current) return null;
      const { xs, ys } = project();
      const r = el.getBoundingClientRect();
      return Number.isFinite(xs[i]) ? [r.left + xs[i], r.top + ys[i]] : null;
    };
  });

  const down = useRef<[number, number] | null>(null);
  const hoverAt = useRef(0);
  return (
    <div class="projector-view" ref={host}
      onMouseDown={(e) => { down.current = [e.clientX, e.clientY]; }}
      onMouseUp={(e) => {
        const d = down.current;
        down.current = null;
        if (d && Math.abs(d[0] - e.clientX) + Math.abs(d[1] - e.clientY) < 4) props.onPick(nearest(e));
      }}
      onMouseMove={(e) => {
        if (e.buttons) return;
        const now = performance.now();
        if (now - hoverAt.current < 60) return;
        hoverAt.current = now;
        props.onHover(nearest(e));
      }}
      onMouseLeave={() => props.onHover(null)}>
      <canvas class="projector-overlay" ref={overlay} />
      <button class="projector-fit" onClick={() => { userMoved.current = false; fit(); state.current?.render(); }}>Reset view</button>
    </div>
  );
}
