import { defineConfig } from "@playwright/test";

// End-to-end tests: Debian's chromium (browsers are not downloaded here) against a server
// of their own on the embedded profile, with a fresh data directory each run.
const port = Number(process.env["SPICE_E2E_PORT"] ?? 18002);
const chromium = process.env["CHROMIUM"] ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: "ko-KR",
    viewport: { width: 1400, height: 900 },
    launchOptions: { executablePath: chromium, args: ["--no-sandbox", "--disable-dev-shm-usage"] },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: {
    command: `rm -rf ../build/e2e-data && ../.venv/bin/spice serve --host 127.0.0.1 --port ${port} --data-dir ../build/e2e-data`,
    url: `http://127.0.0.1:${port}/health`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
  },
});
