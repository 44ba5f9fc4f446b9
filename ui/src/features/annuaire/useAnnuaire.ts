// The Annuaire import as the screen drives it: a file's dry run, its CSV export, its import, and
// how far the core has read the file (events while a command runs).
import { listen } from "@tauri-apps/api/event";
import { useEffect, useState } from "react";
import { ANNUAIRE_PROGRESS_EVENT, commands, type AnnuaireApplied, type AnnuairePreview, type AnnuaireProgress } from "../../bindings";
import { messageOf, unwrap } from "../../lib/result";

export type Busy = "dry-run" | "export" | "import" | "choose" | null;
export type Message = { ok: boolean; text: string };

export function useAnnuaire() {
  const [busy, setBusy] = useState<Busy>(null);
  const [permille, setPermille] = useState(0);
  const [preview, setPreview] = useState<{ path: string; preview: AnnuairePreview } | null>(null);
  const [applied, setApplied] = useState<AnnuaireApplied | null>(null);
  const [message, setMessage] = useState<Message | null>(null);

  useEffect(() => {
    const unlisten = listen<AnnuaireProgress>(ANNUAIRE_PROGRESS_EVENT, (event) => setPermille(event.payload.permille));
    return () => {
      void unlisten.then((stop) => stop());
    };
  }, []);

  async function run<T>(what: Exclude<Busy, null>, call: () => Promise<T>): Promise<T | null> {
    setBusy(what);
    setPermille(0);
    setMessage(null);
    try {
      return await call();
    } catch (failure) {
      setMessage({ ok: false, text: messageOf(failure) });
      return null;
    } finally {
      setBusy(null);
    }
  }

  async function dryRun(path: string) {
    setApplied(null);
    setPreview(null);
    const result = await run("dry-run", () => unwrap(commands.annuaireDryRun(path)));
    if (result) setPreview({ path, preview: result });
  }

  async function exportCsv(path: string) {
    const written = await run("export", () => unwrap(commands.exportAnnuaireCsv(path)));
    if (written) setMessage({ ok: true, text: `Différences enregistrées dans ${written}` });
  }

  async function apply(path: string, skipRejected: boolean) {
    const result = await run("import", () => unwrap(commands.importAnnuaire(path, skipRejected)));
    if (result) {
      setApplied(result);
      setPreview(null);
    }
  }

  /** The file the agent picks in the system's dialog, or null when it picks none. */
  async function choose(): Promise<string | null> {
    return run("choose", () => unwrap(commands.chooseAnnuaireFile()));
  }

  return { busy, permille, preview, applied, message, dryRun, exportCsv, apply, choose, forget: () => setPreview(null) };
}
