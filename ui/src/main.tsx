import { startReactDsfr } from "@codegouvfr/react-dsfr/spa";
import "@codegouvfr/react-dsfr/main.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { PaletteRegistry } from "./features/palette/registry";
import "./app/app.css";

startReactDsfr({ defaultColorScheme: "system" });

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <PaletteRegistry>
        <App />
      </PaletteRegistry>
    </StrictMode>,
  );
}
