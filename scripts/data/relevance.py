#!/usr/bin/env python3
"""Build the search relevance set: what a caller could say, and the real lycée it names.

Usage: relevance.py [LYCEES_TSV] [OUT_TSV]
  defaults: src-tauri/crates/guichet-core/data/lycees.tsv, tests/data/relevance.tsv

Deterministic (fixed seed, lycées in UAI order). Each rule below picks lycées at random and
derives a query from the lycée's name and town; the output says which rule made each line.

A query must name one lycée only. The clean words of each query (before any typo, abbreviation
or truncation) are normalised the way the search index does (folded, filler words dropped,
abbreviations spelt out); a query is kept only when the target is the single lycée of the whole
file whose name, town, postcode and type hold every one of those words. When the words of the
name are not enough, the town is added; when they still are not, the lycée is skipped.

The rules (16 lycées each, a lycée used by one rule only):
  accents, no_accents, upper_case  type word, distinctive words of the name, town if needed
  partial          type word and the name's rarest word only (+ town)
  order            town first, name words reversed, type word last
  abbreviation     the type said short (lp, lycee pro, lpo, lgt, legta, lyc agri…) and the town,
                   when the town has other lycées: the abbreviation is what tells them apart
  saint            st / ste for Saint / Sainte, when that word is needed
  hyphens          the name's words joined by hyphens ("jean-moulin"), and the town's
  one_typo         one slip in the word (4-7 letters) that tells the lycée apart
  two_typos        two slips in such a word of 8 letters or more
  prefix           that word last and cut short, as while typing (no space after it)
  town_and_type    "lycee <town>" / "lp <town>" where the town has one such lycée
  postcode         type word, rarest word, postcode
  uai_exact, uai_lower_case, uai_wrong_letter, uai_missing_letter

Output columns: query, expected UAI, rule, and the lycée's name and town (for reviewers).
"""
import random
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = 2026
PER_RULE = 16
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"

# The index's normalisation (src/search/normalise.rs), for the ambiguity check.
STOP_WORDS = {"au", "aux", "cedex", "de", "des", "du", "en", "et", "la", "le", "les", "sous", "sur"}
SPELL_OUT = {
    "lyc": ["lycee"], "lycees": ["lycee"],
    "lp": ["lycee", "professionnel"], "lep": ["lycee", "professionnel"],
    "lpo": ["lycee", "polyvalent"],
    "lgt": ["lycee", "general", "technologique"], "legt": ["lycee", "general", "technologique"],
    "legta": ["lycee", "general", "technologique", "agricole"],
    "lpa": ["lycee", "professionnel", "agricole"],
    "lt": ["lycee", "technologique"],
    "gt": ["general", "technologique"],
    "sep": ["section", "enseignement", "professionnel"],
    "st": ["saint"], "ste": ["saint"], "sts": ["saint"], "sainte": ["saint"],
    "saints": ["saint"], "saintes": ["saint"],
    "nd": ["notre", "dame"],
    "pro": ["professionnel"], "prof": ["professionnel"], "professionnelle": ["professionnel"],
    "professionnels": ["professionnel"], "professionnelles": ["professionnel"],
    "poly": ["polyvalent"], "polyv": ["polyvalent"], "polyvalente": ["polyvalent"],
    "agri": ["agricole"], "agric": ["agricole"], "agricoles": ["agricole"],
    "gen": ["general"], "generale": ["general"], "generaux": ["general"], "generales": ["general"],
    "techno": ["technologique"], "technologiques": ["technologique"],
    "priv": ["prive"], "privee": ["prive"], "prives": ["prive"], "privees": ["prive"],
    "hoteliere": ["hotelier"], "hoteliers": ["hotelier"], "hotelieres": ["hotelier"],
    "metiers": ["metier"],
    "ii": ["2"], "iii": ["3"], "iv": ["4"], "vi": ["6"], "vii": ["7"], "viii": ["8"], "ix": ["9"],
}
# Words of a name that say what kind of lycée it is, not which one.
GENERIC = {
    "lycee", "professionnel", "polyvalent", "general", "technologique", "technique", "prive",
    "agricole", "metier", "section", "enseignement", "voie", "site", "annexe", "lp", "lpo",
    "lgt", "legt", "legta", "sep", "segt", "des", "du", "de", "et", "la", "le", "les",
}
# How callers shorten the type a name starts with.
TYPE_ABBREVIATIONS = [
    ("lycee professionnel agricole", ["lpa", "lp agri"]),
    ("lycee professionnel", ["lp", "lycee pro", "lyc pro"]),
    ("lycee polyvalent", ["lpo", "lycee polyv", "lyc polyv"]),
    ("lycee general et technologique agricole", ["legta", "lgt agri"]),
    ("lycee general et technologique", ["lgt", "lycee gt", "lyc gt"]),
    ("lycee agricole", ["lycee agri", "lyc agri"]),
    ("lycee prive", ["lyc prive", "lycee priv"]),
]
# Neighbouring keys on a French (AZERTY) keyboard, for slips of the finger.
AZERTY = ["azertyuiop", "qsdfghjklm", "wxcvbn"]


def fold(text: str) -> str:
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def raw_words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", fold(text)) if w]


def canonical(text: str) -> list[str]:
    out = []
    for w in raw_words(text):
        if (len(w) == 1 and w.isalpha()) or w in STOP_WORDS:
            continue
        out.extend(SPELL_OUT.get(w, [w]))
    return out


def town_words(town: str) -> list[str]:
    """The words of a town a caller says: no "CEDEX", no sorting office number."""
    return [w for w in raw_words(town) if w != "cedex" and not w.isdigit()]


def load(path: Path) -> list[dict]:
    lycees = []
    for line in path.read_text(encoding="utf-8").splitlines():
        uai, name, postcode, town = line.split("\t")[:4]
        kind = "erea" if name.startswith("EREA") else "lycee"
        words = set(canonical(name)) | set(canonical(" ".join(town_words(town)))) | {postcode, kind}
        lycees.append({"uai": uai, "name": name, "postcode": postcode, "town": town, "words": words})
    return sorted(lycees, key=lambda l: l["uai"])


class Checker:
    """Tells whether the clean words of a query name a single lycée of the file."""

    def __init__(self, lycees):
        self.lycees = lycees
        self.by_word = {}
        for i, lycee in enumerate(lycees):
            for w in lycee["words"]:
                self.by_word.setdefault(w, set()).add(i)

    def rarest(self, words: list[str]) -> list[str]:
        """The word of `words` the fewest lycées hold (then the longest), as a list of 0 or 1."""
        ranked = sorted(words, key=lambda w: (any(c.isdigit() for c in w), len(self.by_word.get(w, ())), -len(w), w))
        return ranked[:1]

    def unique_with_prefix(self, query: str, prefix: str, target: dict) -> bool:
        """Like `unique`, the last word being only the start of a word (typed so far)."""
        words = set(canonical(query))
        matches = set(range(len(self.lycees)))
        for w in words:
            matches &= self.by_word.get(w, set())
        matches = {i for i in matches if any(w.startswith(prefix) for w in self.lycees[i]["words"])}
        return len(matches) == 1 and self.lycees[next(iter(matches))] is target

    def unique(self, query: str, target: dict) -> bool:
        words = set(canonical(query))
        if not words:
            return False
        matches = None
        for w in words:
            found = self.by_word.get(w, set())
            matches = found if matches is None else matches & found
        return matches is not None and len(matches) == 1 and self.lycees[next(iter(matches))] is target


def distinctive(lycee: dict) -> list[str]:
    """Words of the name that say which lycée it is (a feminine or plural of a generic word is
    generic too)."""
    return [
        w for w in raw_words(lycee["name"])
        if len(w) > 1 and w not in GENERIC and not set(canonical(w)) <= GENERIC
    ]


def type_word(lycee: dict) -> str:
    words = [w for w in raw_words(lycee["name"]) if len(w) > 1 and w not in STOP_WORDS]
    return "lycee" if "lycee" in words else words[0]


def describe(lycee: dict, checker: Checker, words: list[str]) -> list[str] | None:
    """Type word and `words`, then the town if needed; None when still ambiguous."""
    base = [type_word(lycee)] + [w for w in words if w != type_word(lycee)]
    if checker.unique(" ".join(base), lycee):
        return base
    with_town = base + town_words(lycee["town"])
    return with_town if checker.unique(" ".join(with_town), lycee) else None


def typo(word: str, rng: random.Random, avoid: set[int], min_len: int) -> tuple[str, int]:
    """One slip: a neighbouring key, two letters swapped, a letter dropped or doubled. First and
    last letters are kept; a letter is dropped only if the word keeps `min_len` letters (the
    index allows typos by the length of the word as typed)."""
    positions = [i for i in range(1, len(word) - 1) if not avoid & {i - 1, i, i + 1}]
    i = rng.choice(positions or [len(word) // 2])
    kind = rng.choice(["neighbour", "swap", "drop", "double"])
    if kind == "swap" and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:], i
    if kind == "drop" and len(word) > min_len:
        return word[:i] + word[i + 1:], i
    if kind == "double":
        return word[:i] + word[i] + word[i:], i
    for row in AZERTY:
        if word[i] in row:
            j = row.index(word[i])
            near = [row[k] for k in (j - 1, j + 1) if 0 <= k < len(row)]
            return word[:i] + rng.choice(near) + word[i + 1:], i
    return word[:i] + "e" + word[i + 1:], i


def with_accents(lycee: dict, folded_words: list[str]) -> list[str]:
    """The words as the name and town spell them, accents kept, in lower case."""
    spelt = {}
    for w in re.split(r"[^\w]+", (lycee["name"] + " " + lycee["town"]).lower()):
        spelt.setdefault(fold(w), w)
    return [spelt.get(w, w) for w in folded_words]


def rules(checker: Checker):
    """Each rule: (lycée, random generator) → the query, or a false value when it does not
    apply to that lycée."""

    def accents(l, rng):
        base = describe(l, checker, distinctive(l))
        return base and " ".join(with_accents(l, base))

    def no_accents(l, rng):
        base = describe(l, checker, distinctive(l))
        return base and " ".join(base)

    def upper_case(l, rng):
        base = describe(l, checker, distinctive(l))
        return base and " ".join(with_accents(l, base)).upper()

    def partial(l, rng):
        # The caller names one word of the name only: its rarest in the file.
        if type_word(l) != "lycee":
            return None
        words = checker.rarest(distinctive(l))
        base = words and describe(l, checker, words)
        return base and len(distinctive(l)) > 1 and " ".join(base)

    def order(l, rng):
        base = describe(l, checker, distinctive(l))
        if not base or len(base) < 3:
            return None
        town = town_words(l["town"])
        rest = [w for w in base[1:] if w not in town]
        return " ".join(town + rest[::-1] + [base[0]])

    def abbreviation(l, rng):
        # The type said short, and the town: only when the type tells it from the town's others.
        name = " ".join(raw_words(l["name"]))
        town = town_words(l["town"])
        for full, shorts in TYPE_ABBREVIATIONS:
            if name.startswith(full + " "):
                clean = full.split() + town
                if checker.unique(" ".join(clean), l) and essential(clean, 1, l):
                    return " ".join([rng.choice(shorts)] + town)
                return None
        return None

    def saint(l, rng):
        base = describe(l, checker, distinctive(l))
        if not base or not {"saint", "sainte"} & set(base):
            return None
        i = next(i for i, w in enumerate(base) if w in ("saint", "sainte"))
        if not essential(base, i, l):
            return None
        base[i] = {"saint": "st", "sainte": "ste"}[base[i]]
        return " ".join(base)

    def hyphens(l, rng):
        words = distinctive(l)
        base = describe(l, checker, words)
        if not base or len(words) < 2:
            return None
        # Hyphens where the name has spaces (and between the words of the town).
        town = town_words(l["town"])
        named = [w for w in base[1:] if w not in town]
        with_town = len(base) > len(named) + 1
        return " ".join([base[0], "-".join(named)] + (["-".join(town)] if with_town else []))

    def essential(base, i, l):
        """Whether word `i` of a clean query is needed: without it, other lycées match too."""
        return not checker.unique(" ".join(base[:i] + base[i + 1:]), l)

    def one_word(l, fits):
        """Type word, the rarest distinctive word that `fits` (at index 1), town when needed;
        None unless that word is needed to tell the lycée apart."""
        # Other names than "lycée …" could be mistaken for the generated écoles and collèges.
        if type_word(l) != "lycee":
            return None
        words = checker.rarest([w for w in distinctive(l) if fits(w)])
        base = words and describe(l, checker, words)
        return base if base and essential(base, 1, l) else None

    def one_typo(l, rng):
        base = one_word(l, lambda w: 4 <= len(w) <= 7 and w.isalpha())
        if not base:
            return None
        base[1] = typo(base[1], rng, set(), 4)[0]
        return " ".join(base) + " "

    def two_typos(l, rng):
        base = one_word(l, lambda w: len(w) >= 8 and w.isalpha())
        if not base:
            return None
        first, at = typo(base[1], rng, set(), 8)
        base[1] = typo(first, rng, {at}, 8)[0]
        return " ".join(base) + " "

    def prefix(l, rng):
        base = one_word(l, lambda w: len(w) >= 5 and w.isalpha())
        if not base:
            return None
        # The word being typed comes last: three fifths of it, at least 4 letters, more when
        # other lycées have a word starting the same.
        others = " ".join(base[:1] + base[2:])
        for keep in range(max(4, (len(base[1]) * 3 + 4) // 5), len(base[1])):
            if checker.unique_with_prefix(others, base[1][:keep], l):
                return others + " " + base[1][:keep]
        return None

    def town_and_type(l, rng):
        town = town_words(l["town"])
        name = raw_words(l["name"])
        if name[0] not in ("lycee", "lp", "lpo", "lgt", "legt", "legta", "erea"):
            return None
        kind = "lp" if name[:2] == ["lycee", "professionnel"] else name[0]
        query = " ".join([kind] + town)
        return checker.unique(query, l) and query

    def postcode(l, rng):
        words = checker.rarest(distinctive(l))
        if type_word(l) != "lycee":
            return None
        query = " ".join([type_word(l)] + words + [l["postcode"]])
        return words and checker.unique(query, l) and query

    def uai_exact(l, rng):
        return l["uai"]

    def uai_lower_case(l, rng):
        return l["uai"].lower()

    def uai_wrong_letter(l, rng):
        return l["uai"][:7] + rng.choice([c for c in LETTERS if c != l["uai"][7]])

    def uai_missing_letter(l, rng):
        return l["uai"][:7]

    return [
        accents, no_accents, upper_case, partial, order, abbreviation, saint, hyphens, one_typo,
        two_typos, prefix, town_and_type, postcode, uai_exact, uai_lower_case,
        uai_wrong_letter, uai_missing_letter,
    ]


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "src-tauri/crates/guichet-core/data/lycees.tsv"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "tests/data/relevance.tsv"
    lycees = load(source)
    checker = Checker(lycees)
    rng = random.Random(SEED)
    lines = ["query\tuai\trule\tname\ttown"]
    used = set()
    for rule in rules(checker):
        order = list(range(len(lycees)))
        rng.shuffle(order)
        kept = 0
        for i in order:
            if kept == PER_RULE:
                break
            lycee = lycees[i]
            if lycee["uai"] in used:
                continue
            query = rule(lycee, rng)
            if not query:
                continue
            used.add(lycee["uai"])
            name = rule.__name__
            lines.append(f"{query}\t{lycee['uai']}\t{name}\t{lycee['name']}\t{lycee['town']}")
            kept += 1
        if kept < PER_RULE:
            sys.exit(f"rule {rule.__name__} found only {kept} lycées")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 1} queries written to {out}")


if __name__ == "__main__":
    main()
