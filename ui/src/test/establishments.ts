// Establishments as the core sends them, for tests.
import type { Establishment } from "../bindings";

/** A lycée with its principal address, initialised, and a second one waiting for its link. */
export const henriIv: Establishment = {
  uai: "0750654D",
  name: "LYCÉE GÉNÉRAL HENRI IV",
  type: "lycee",
  sector: "public",
  postcode: "75005",
  town: "PARIS",
  department: "75",
  academie: "Paris",
  principal_email: "ce.0750654d@ac-paris.fr",
  annuaire: { closed_on: null, closing_announced: false, official_mail: "ce.0750654d@ac-paris.fr", successor: null },
  version: 3,
  addresses: [
    {
      account_id: 1,
      email: "ce.0750654d@ac-paris.fr",
      principal: true,
      attached_at: "2024-09-02T08:00:00Z",
      attached_by: null,
      status: { state: "initialised", at: "2024-09-03T08:00:00Z" },
    },
    {
      account_id: 2,
      email: "secretariat.henri-iv@gmail.com",
      principal: false,
      attached_at: "2026-11-24T08:00:00Z",
      attached_by: "Camille Martin",
      status: { state: "link_pending", until: "2026-11-25T09:00:00Z" },
    },
  ],
};
