"""Repairs the lycées' towns and names against the communes reference (used by extract.py).

The high-school package writes one town in several forms (« BESANÇON CEDEX », « Besançon cedex »,
« Besanèon »): upper or mixed case, accents lost, « ç » mangled into « è », former communes,
« ST » for « Saint ». A town is settled when its words, folded, name one commune of the UAI's
department in @etalab/decoupage-administratif (a former commune leads to the commune it is part
of now); it is then written as the reference spells it, followed by the CEDEX suffix in one form
(« CEDEX », or « CEDEX 05 » with its number as given). What cannot be settled that way is kept as
it came, in the reference's case style, and listed in the report with the reason: never guessed.

A « è » before « a », « o » or « u » is the package's mangled « ç »: French writes neither « èa »,
« èo » nor « èu », and « ç » only ever stands there. Names are repaired by that rule alone.
"""
import re
import unicodedata

# « CEDEX », its number, and a postcode some rows repeat around it (« TRAPPES CEDEX 78193 »).
CEDEX = re.compile(r"^(?P<town>.*?)(?:\s+\d{5})?[\s,]+cedex(?:\s+(?P<number>\d{1,3})|\s+\d{5})?$", re.IGNORECASE)
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
MANGLED_CEDILLA = re.compile(r"([èÈ])([aouAOU])")
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# Words the reference writes in lower case inside a commune's name.
PARTICLES = {"à", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "lès", "lez", "sous", "sur"}


def repair_cedilla(text: str) -> str:
    """« Besanèon » → « Besançon », « FRANÈAISE » → « FRANÇAISE »."""
    return MANGLED_CEDILLA.sub(lambda m: ("ç" if m.group(1) == "è" else "Ç") + m.group(2), text)


def fold(text: str) -> str:
    """The words of a town, for comparison: no accent, ligature, case, hyphen, apostrophe or « ST »."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text.translate(LIGATURES)) if unicodedata.category(c) != "Mn")
    words = re.split(r"[^a-z0-9]+", bare.lower())
    return " ".join(ABBREVIATIONS.get(w, w) for w in words if w)


def reference_case(town: str) -> str:
    """A town the reference does not know, written in its style: « LA FERTE-MILON » → « La Ferte-Milon »."""
    parts = re.split(r"([\s\-']+)", town.lower())
    out = []
    for i, part in enumerate(parts):
        if i > 0 and part in PARTICLES:
            out.append(part)
        else:
            out.append(part[:1].upper() + part[1:])
    return "".join(out)


def split_cedex(town: str) -> tuple:
    """(« Belley », « CEDEX 06 ») from « BELLEY CEDEX 06 »; (town, "") without a suffix."""
    found = CEDEX.match(town.strip())
    if not found:
        return town.strip(), ""
    number = found.group("number")
    return found.group("town").strip(), "CEDEX" + (f" {number}" if number else "")


class Reference:
    """The communes of decoupage-administratif, looked up by department and folded name."""

    def __init__(self, communes: list):
        current = {c["code"]: c for c in communes if c.get("type") == "commune-actuelle"}
        self.by_name = {}
        for c in communes:
            kind = c.get("type")
            if kind == "commune-actuelle":
                now = c
            elif kind in ("commune-deleguee", "commune-associee"):
                now = current.get(c.get("chefLieu", ""))
            else:
                continue
            if now is None:
                continue
            self.by_name.setdefault((c["departement"], fold(c["nom"])), {})[now["code"]] = now

    def find(self, department: str, town: str) -> list:
        return list(self.by_name.get((department, fold(town)), {}).values())

    def departments_of(self, town: str) -> list:
        key = fold(town)
        return sorted({d for (d, name) in self.by_name if name == key})


def repair_town(reference: Reference, department: str, postcode: str, town: str) -> tuple:
    """(the town to write, None) when settled, else (the town in reference case, the reason)."""
    base, cedex = split_cedex(repair_cedilla(town))
    suffix = f" {cedex}" if cedex else ""
    found = reference.find(department, base)
    if len(found) > 1:
        by_postcode = [c for c in found if postcode in c.get("codesPostaux", [])]
        found = by_postcode if len(by_postcode) == 1 else found
    if len(found) == 1:
        return found[0]["nom"] + suffix, None
    kept = reference_case(base) + suffix
    if len(found) > 1:
        return kept, f"{len(found)} communes of department {department} bear this name"
    elsewhere = reference.departments_of(base)
    if elsewhere:
        where = ", ".join(elsewhere)
        return kept, f"a commune of department {where}, not of the UAI's department {department} (postcode {postcode})"
    return kept, f"no commune of department {department} bears this name"
