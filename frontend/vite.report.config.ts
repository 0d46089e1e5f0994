import { defineConfig, type Plugin } from "vite";
import preact from "@preact/preset-vite";

// The offline report (`ridgeline export`): the same app in one script with no chunks, no
// workers and every asset inlined, so `ridgeline export` can put it, with the data, in one
// HTML file. Only the dashboards whose data a report embeds are bundled: imports of
// core/registry resolve to core/reportRegistry.
function reportRegistry(): Plugin {
  return {
    name: "ridgeline-report-registry",
    enforce: "pre",
    async resolveId(source, importer, options) {
      if (!importer || importer.endsWith("reportRegistry.ts") || !/(^|\/)registry$/.test(source)) return null;
      const found = await this.resolve(source, importer, { ...options, skipSelf: true });
      return found && found.id.endsWith("/core/registry.ts") ? found.id.replace(/registry\.ts$/, "reportRegistry.ts") : null;
    },
  };
}

export default defineConfig({
  plugins: [preact(), reportRegistry()],
  base: "./",
  build: {
    outDir: "../src/ridgeline/server/static_report",
    emptyOutDir: true,
    assetsInlineLimit: 100_000_000,
    cssCodeSplit: false,
    chunkSizeWarningLimit: 2000,
    rollupOptions: { input: "report.html", output: { inlineDynamicImports: true } },
  },
});
