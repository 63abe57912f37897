import { defineConfig } from "@playwright/test";

// The console's benchmark (run by bench/console.py, which starts the server and loads the
// data): Debian's chromium against SPICE_BENCH_URL.
export default defineConfig({
  testDir: "bench",
  testMatch: "*.bench.ts",
  timeout: 300_000,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: process.env["SPICE_BENCH_URL"],
    locale: "en-US",
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: process.env["CHROMIUM"] ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-dev-shm-usage"],
    },
  },
});
