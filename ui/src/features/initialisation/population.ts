// The dashboard's filters as the agent sets them, and as the core reads them.
import type { EstablishmentKind, PopulationInput, Sector } from "../../bindings";

export type PopulationForm = { academie: string; departments: string; kinds: EstablishmentKind[]; sector: "" | Sector };

export const ALL: PopulationForm = { academie: "", departments: "", kinds: [], sector: "" };

/** Departments typed as a list (« 75, 93 94 »); the core checks each code. */
export function toPopulation(form: PopulationForm): PopulationInput {
  return {
    academies: form.academie ? [form.academie] : [],
    departments: form.departments.split(/[\s,;]+/).filter((code) => code !== ""),
    kinds: form.kinds,
    sectors: form.sector ? [form.sector] : [],
  };
}
