"""Tests of repair.py on reference entries written as decoupage-administratif writes them.

Run: python3 -m unittest discover -s scripts/data
"""
import unittest

from repair import Reference, fold, reference_case, repair_cedilla, repair_town, split_cedex

COMMUNES = [
    {"code": "25056", "nom": "Besançon", "type": "commune-actuelle", "departement": "25", "codesPostaux": ["25000"]},
    {"code": "54547", "nom": "Vandœuvre-lès-Nancy", "type": "commune-actuelle", "departement": "54", "codesPostaux": ["54500"]},
    {"code": "01033", "nom": "Valserhône", "type": "commune-actuelle", "departement": "01", "codesPostaux": ["01200"]},
    {"code": "01033", "nom": "Bellegarde-sur-Valserine", "type": "commune-deleguee", "chefLieu": "01033", "departement": "01"},
    {"code": "78126", "nom": "La Celle-Saint-Cloud", "type": "commune-actuelle", "departement": "78", "codesPostaux": ["78170"]},
    {"code": "78551", "nom": "Saint-Germain-en-Laye", "type": "commune-actuelle", "departement": "78", "codesPostaux": ["78100"]},
    {"code": "71001", "nom": "Saint-Martin", "type": "commune-actuelle", "departement": "71", "codesPostaux": ["71110"]},
    {"code": "71002", "nom": "Saint-Martin", "type": "commune-actuelle", "departement": "71", "codesPostaux": ["71220"]},
    {"code": "75105", "nom": "Paris 5e Arrondissement", "type": "arrondissement-municipal", "departement": "75"},
]


class RepairTest(unittest.TestCase):
    def setUp(self):
        self.reference = Reference(COMMUNES)

    def test_the_cedilla_mangled_into_a_grave_accent_comes_back(self):
        self.assertEqual(repair_cedilla("Besanèon"), "Besançon")
        self.assertEqual(repair_cedilla("ÉCOLE FRANÈAISE"), "ÉCOLE FRANÇAISE")
        # A real « è » stands before a consonant: left alone.
        self.assertEqual(repair_cedilla("Fontaine-lès-Vervins, Largentière"), "Fontaine-lès-Vervins, Largentière")

    def test_cedex_is_split_in_one_form(self):
        self.assertEqual(split_cedex("BELLEY CEDEX 06"), ("BELLEY", "CEDEX 06"))
        self.assertEqual(split_cedex("Besançon cedex"), ("Besançon", "CEDEX"))
        self.assertEqual(split_cedex("TRAPPES CEDEX 78193"), ("TRAPPES", "CEDEX"))
        self.assertEqual(split_cedex("LES MUREAUX 78132 CEDEX"), ("LES MUREAUX", "CEDEX"))
        self.assertEqual(split_cedex("Cedexville"), ("Cedexville", ""))

    def test_folding_ignores_case_accents_ligatures_hyphens_and_st(self):
        self.assertEqual(fold("VANDOEUVRE-LÈS-NANCY"), fold("Vandœuvre-lès-Nancy"))
        self.assertEqual(fold("ST GERMAIN EN LAYE"), "saint germain en laye")

    def test_a_town_is_written_as_the_reference_spells_it(self):
        self.assertEqual(repair_town(self.reference, "25", "25030", "Besanèon"), ("Besançon", None))
        self.assertEqual(repair_town(self.reference, "25", "25030", "BESANCON CEDEX"), ("Besançon CEDEX", None))
        self.assertEqual(repair_town(self.reference, "54", "54500", "VANDOEUVRE-LES-NANCY"), ("Vandœuvre-lès-Nancy", None))
        self.assertEqual(repair_town(self.reference, "78", "78100", "ST GERMAIN EN LAYE CEDEX 2"), ("Saint-Germain-en-Laye CEDEX 2", None))

    def test_a_former_commune_leads_to_the_commune_it_is_part_of(self):
        self.assertEqual(repair_town(self.reference, "01", "01200", "BELLEGARDE-SUR-VALSERINE CEDEX"), ("Valserhône CEDEX", None))

    def test_two_communes_of_one_name_are_told_apart_by_the_postcode_or_reported(self):
        self.assertEqual(repair_town(self.reference, "71", "71220", "SAINT-MARTIN"), ("Saint-Martin", None))
        town, reason = repair_town(self.reference, "71", "71300", "SAINT-MARTIN")
        self.assertEqual(town, "Saint-Martin")
        self.assertIn("2 communes", reason)

    def test_what_the_reference_does_not_settle_is_reported_not_guessed(self):
        town, reason = repair_town(self.reference, "94", "78170", "LA CELLE-SAINT-CLOUD")
        self.assertEqual(town, "La Celle-Saint-Cloud")
        self.assertIn("department 78, not of the UAI's department 94", reason)
        town, reason = repair_town(self.reference, "25", "25000", "MOÉTIERS CEDEX")
        self.assertEqual(town, "Moétiers CEDEX")
        self.assertIn("no commune of department 25", reason)

    def test_an_unknown_town_takes_the_reference_case_style(self):
        self.assertEqual(reference_case("SAINT-CHRISTOL-LÈS-ALÈS"), "Saint-Christol-lès-Alès")
        self.assertEqual(reference_case("LE HOMMET-D'ARTHENAY"), "Le Hommet-d'Arthenay")


if __name__ == "__main__":
    unittest.main()
