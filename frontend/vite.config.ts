import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

// Built into the Python package; the server serves it at /.
export default defineConfig({
  plugins: [preact()],
  build: {
    outDir: "../src/ridgeline/server/static",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1000,
  },
  server: { proxy: { "/api": "http://127.0.0.1:6006" } },
});
