// A three.js viewer for one mesh step: a point cloud, or a triangle mesh when faces were
// logged, with per-vertex colors; orbit controls (drag to rotate, wheel to zoom, right-drag to
// pan). ``config`` may set camera.fov and material.size / material.opacity as in
// TensorBoard's config_dict.
import { useEffect, useRef } from "preact/hooks";
import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import type { MeshData } from "../../api/client";

export function MeshViewer(props: { data: MeshData; dark: boolean; height?: number }) {
  const host = useRef<HTMLDivElement>(null);
  const height = props.height ?? 360;
  useEffect(() => {
    const el = host.current!;
    const { vertices, faces, colors, config } = props.data;
    const cfg = config as { camera?: { fov?: number }; material?: { size?: number; opacity?: number } };
    const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    renderer.setPixelRatio(window.devicePixelRatio || 1);
    renderer.setSize(el.clientWidth || 400, height);
    el.appendChild(renderer.domElement);
    const scene = new THREE.Scene();
    scene.background = new THREE.Color(props.dark ? 0x171a21 : 0xf4f5f7);
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute("position", new THREE.Float32BufferAttribute(vertices, 3));
    if (colors && colors.length === vertices.length) geometry.setAttribute("color", new THREE.Float32BufferAttribute(colors.map((c) => c / 255), 3));
    const hasColors = !!geometry.getAttribute("color");
    let object: THREE.Object3D;
    if (faces && faces.length) {
      geometry.setIndex(faces);
      geometry.computeVertexNormals();
      object = new THREE.Mesh(geometry, new THREE.MeshStandardMaterial({ vertexColors: hasColors, color: hasColors ? 0xffffff : 0xf57c00, side: THREE.DoubleSide, flatShading: true }));
      scene.add(new THREE.AmbientLight(0xffffff, 0.6));
      const light = new THREE.DirectionalLight(0xffffff, 1.2);
      light.position.set(1, 2, 3);
      scene.add(light);
    } else {
      geometry.computeBoundingSphere();
      const r = geometry.boundingSphere?.radius || 1;
      const size = cfg.material?.size ?? r / 40;
      object = new THREE.Points(geometry, new THREE.PointsMaterial({ size, vertexColors: hasColors, color: hasColors ? 0xffffff : 0xf57c00, transparent: cfg.material?.opacity !== undefined, opacity: cfg.material?.opacity ?? 1 }));
    }
    scene.add(object);
    geometry.computeBoundingSphere();
    const sphere = geometry.boundingSphere ?? new THREE.Sphere(new THREE.Vector3(), 1);
    const camera = new THREE.PerspectiveCamera(cfg.camera?.fov ?? 45, (el.clientWidth || 400) / height, sphere.radius / 100, sphere.radius * 100);
    camera.position.copy(sphere.center).add(new THREE.Vector3(1, 0.8, 1.2).normalize().multiplyScalar(sphere.radius * 2.8));
    const controls = new OrbitControls(camera, renderer.domElement);
    controls.target.copy(sphere.center);
    controls.update();
    let frame = 0;
    const render = () => { renderer.render(scene, camera); };
    controls.addEventListener("change", () => { cancelAnimationFrame(frame); frame = requestAnimationFrame(render); });
    render();
    const ro = new ResizeObserver(() => { const w = el.clientWidth || 400; renderer.setSize(w, height); camera.aspect = w / height; camera.updateProjectionMatrix(); render(); });
    ro.observe(el);
    return () => { ro.disconnect(); controls.dispose(); geometry.dispose(); renderer.dispose(); el.removeChild(renderer.domElement); };
  }, [props.data, props.dark, height]);
  return <div class="mesh-host" ref={host} />;
}
