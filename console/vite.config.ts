/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The server serves what this writes (src/spice/entrypoints/api/console.py names the folder).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "../src/spice/entrypoints/console_dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    // `npm run dev` next to `make serve`: the API stays on its own port.
    proxy: { "/api": { target: "http://127.0.0.1:8002", ws: true }, "/health": "http://127.0.0.1:8002" },
  },
  test: {
    environment: "jsdom",
    globals: true,
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
    css: false,
  },
});
