import { createRoot } from "react-dom/client";
export {};
createRoot(document.getElementById("root")!).render(<p>Guichet SIEC</p>);
