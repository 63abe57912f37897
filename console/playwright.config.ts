import { defineConfig } from "@playwright/test";

// End-to-end tests: Debian's chromium (browsers are not downloaded here) against a server
// of their own on the embedded profile, with a fresh data directory each run.
const port = Number(process.env["SPICE_E2E_PORT"] ?? 18002);
// A second server that signs people in (bound beyond loopback, so nobody is its local
// administrator), for the sign-in and administration tests.
export const SECURED_PORT = port + 1;
export const ADMIN_PASSWORD = "e2e-admin-password-2026";
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
  webServer: [
    {
      command: `rm -rf ../build/e2e-data && ../.venv/bin/spice serve --host 127.0.0.1 --port ${port} --data-dir ../build/e2e-data`,
      url: `http://127.0.0.1:${port}/health`,
      timeout: 60_000,
      // The connector and onboarding specs fetch files the test serves on loopback, which
      // the server refuses unless told otherwise (it fetches URLs on a client's behalf).
      env: { SPICE_LOG_LEVEL: "WARNING", SPICE_FETCH_PRIVATE_NETWORKS: "true" },
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `rm -rf ../build/e2e-secured && ../.venv/bin/spice serve --host 0.0.0.0 --port ${SECURED_PORT} --data-dir ../build/e2e-secured`,
      url: `http://127.0.0.1:${SECURED_PORT}/health`,
      env: {
        SPICE_LOG_LEVEL: "WARNING",
        SPICE_AUTH_SECRET: "e2e-signing-secret-not-used-anywhere-else-0123",
        SPICE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      },
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
