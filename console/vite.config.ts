import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The build goes into the Python package, which serves it at `/` (see adplane.console.endpoints).
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "../src/adplane/console_dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: { proxy: { "/api": "http://127.0.0.1:8000", "/files": "http://127.0.0.1:8000" } },
});
