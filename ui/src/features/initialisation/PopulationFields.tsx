// The population's filters (académie, departments, sector, types), shared by the dashboard and
// the campaigns; each screen puts them in its own form, beside its own buttons.
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useEffect, useState } from "react";
import { commands, type EstablishmentKind, type Sector } from "../../bindings";
import { KIND_LABELS, SECTOR_LABELS } from "../../lib/format";
import type { PopulationForm } from "./population";

type Props = { form: PopulationForm; onChange: (form: PopulationForm) => void };

export function PopulationFields({ form, onChange }: Props) {
  const [academies, setAcademies] = useState<string[]>([]);
  useEffect(() => {
    void commands.academies().then(setAcademies);
  }, []);

  function toggleKind(kind: EstablishmentKind, on: boolean) {
    onChange({ ...form, kinds: on ? [...form.kinds, kind] : form.kinds.filter((k) => k !== kind) });
  }

  return (
    <>
      <Select label="Académie" nativeSelectProps={{ id: "filter-academie", value: form.academie, onChange: (e) => onChange({ ...form, academie: e.target.value }) }}>
        <option value="">Toutes</option>
        {academies.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </Select>
      <Input
        label="Départements"
        hintText={"Codes séparés par des espaces\u00a0: 75 93 2A"}
        nativeInputProps={{ id: "filter-departements", value: form.departments, onChange: (e) => onChange({ ...form, departments: e.target.value }) }}
      />
      <Select label="Secteur" nativeSelectProps={{ id: "filter-secteur", value: form.sector, onChange: (e) => onChange({ ...form, sector: e.target.value as "" | Sector }) }}>
        <option value="">Public et privé</option>
        {(Object.keys(SECTOR_LABELS) as Sector[]).map((code) => (
          <option key={code} value={code}>
            {SECTOR_LABELS[code]}
          </option>
        ))}
      </Select>
      <Checkbox
        id="filter-types"
        legend="Types d’établissement (tous si aucun n’est coché)"
        orientation="horizontal"
        className="guichet-filters__wide"
        options={(Object.keys(KIND_LABELS) as EstablishmentKind[]).map((kind) => ({
          label: KIND_LABELS[kind],
          nativeInputProps: { value: kind, checked: form.kinds.includes(kind), onChange: (e) => toggleKind(kind, e.target.checked) },
        }))}
      />
    </>
  );
}
