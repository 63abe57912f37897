import "@blueprintjs/core/lib/css/blueprint.css";
import "./styles.css";
import { BlueprintProvider } from "@blueprintjs/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router-dom";
import { App } from "./App";
import { setupI18n } from "./i18n";
import { SessionProvider } from "./state/auth";
import { CommandsProvider } from "./state/commands";

setupI18n();
const queries = new QueryClient({
  defaultOptions: { queries: { retry: 1, staleTime: 2_000, refetchOnWindowFocus: false } },
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <BlueprintProvider>
      <QueryClientProvider client={queries}>
        <SessionProvider onChange={() => void queries.resetQueries()}>
          <CommandsProvider>
            <BrowserRouter>
              <App />
            </BrowserRouter>
          </CommandsProvider>
        </SessionProvider>
      </QueryClientProvider>
    </BlueprintProvider>
  </StrictMode>,
);
