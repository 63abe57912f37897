// The console's lint: typescript-eslint's recommended rules, the React hooks rules (the
// rules of hooks, exhaustive effect dependencies and the React Compiler's checks), and the
// layering the pages keep: a page imports hooks and components, never another page.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

const NO_PAGES = {
  group: ["./*", "../pages", "../pages/*", "**/pages/*"],
  message: "A page imports no other page: move what both need into components/ or api/hooks/.",
};

export default defineConfig([
  globalIgnores(["node_modules/", "src/api/schema.d.ts", "test-results/", "playwright-report/"]),
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked, reactHooks.configs.flat.recommended],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "react-hooks/exhaustive-deps": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/pages/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [NO_PAGES] }] },
  },
  {
    // Shared code sits below the pages: it never reaches up into one.
    files: ["src/components/**", "src/api/**", "src/state/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["../pages", "../pages/*", "../../pages/*"], message: NO_PAGES.message }] },
      ],
    },
  },
  {
    files: ["*.{js,mjs,ts}", "tools/**", "e2e/**", "bench/**"],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ["**/*.{js,mjs}"],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
  },
]);
