"""Item labels normalise through the lexicon: medication, class, category, strength, counts."""

from __future__ import annotations

import pytest

from determinations.lexicon import DATA_DIR, load_lexicon
from determinations.parsing.treatment import normalise_treatment

ALLOWED_CATEGORIES = {
    "pharmaceutical",
    "diagnostic testing",
    "physical medicine",
    "injection",
    "surgery",
    "durable medical equipment",
    "evaluation and management",
    "other",
}


@pytest.mark.parametrize(
    "name", ["Flexeril", "Fexmid", "Amrix", "cyclobenzaprine", "Cyclobenzaprine HCl"]
)
def test_every_name_of_cyclobenzaprine(lexicon, name):
    result = normalise_treatment(f"{name} 7.5mg #60", lexicon)
    assert (result.medication, result.drug_class, result.category) == (
        "cyclobenzaprine",
        "muscle relaxant",
        "pharmaceutical",
    )


@pytest.mark.parametrize(
    ("label", "medication", "drug_class", "strength", "quantity", "refills"),
    [
        ("Norco 10/325mg #101", "hydrocodone/acetaminophen", "opioid", "10/325 mg", 101, None),
        (
            "Hydrocodone/APAP 10/325 mg #120",
            "hydrocodone/acetaminophen",
            "opioid",
            "10/325 mg",
            120,
            None,
        ),
        ("Zanaflex 2 mg #60 with 2 refills", "tizanidine", "muscle relaxant", "2 mg", 60, 2),
        (
            "Amrix 15 milligrams #40, for the lumbar",
            "cyclobenzaprine",
            "muscle relaxant",
            "15 mg",
            40,
            None,
        ),
        ("Ultracet 37.5/325mg #60", "tramadol/acetaminophen", "opioid", "37.5/325 mg", 60, None),
        ("Medrol Dose Pack", "methylprednisolone", "corticosteroid", "", None, None),
        (
            "Omeprazole 20mg, quantity 60, two refills",
            "omeprazole",
            "proton pump inhibitor",
            "20 mg",
            60,
            2,
        ),
        ("Lidoderm 5% patch #30", "lidocaine", "topical analgesic", "5%", 30, None),
        ("Voltaren gel 1% 100g", "diclofenac", "topical analgesic", "1%", None, None),
        (
            "Flurbiprofen 20%/Lidocaine 5% cream 180gm",
            "flurbiprofen/lidocaine",
            "topical analgesic",
            "20%/5%",
            None,
            None,
        ),
    ],
)
def test_drug_labels(lexicon, label, medication, drug_class, strength, quantity, refills):
    result = normalise_treatment(label, lexicon)
    assert (
        result.medication,
        result.drug_class,
        result.strength,
        result.quantity,
        result.refills,
    ) == (
        medication,
        drug_class,
        strength,
        quantity,
        refills,
    )
    assert result.treatment == medication


@pytest.mark.parametrize(
    ("label", "category"),
    [
        ("Physical therapy 2x6 for the lumbar spine", "physical medicine"),
        ("Acupuncture x 6 sessions", "physical medicine"),
        ("Chiropractic treatment 2x4", "physical medicine"),
        ("MRI of the lumbar spine", "diagnostic testing"),
        ("EMG/NCV bilateral lower extremities", "diagnostic testing"),
        ("Urine drug screen", "diagnostic testing"),
        ("Lumbar epidural steroid injection L4-5", "injection"),
        ("Right knee arthroscopy with partial meniscectomy", "surgery"),
        ("TENS unit", "durable medical equipment"),
        ("Lumbar brace", "durable medical equipment"),
        ("Follow-up office visit", "evaluation and management"),
        ("Consultation with a spine surgeon", "evaluation and management"),
        ("Home health care 4 hours a day", "other"),
    ],
)
def test_non_drug_labels(lexicon, label, category):
    result = normalise_treatment(label, lexicon)
    assert (result.medication, result.drug_class, result.category) == ("", "", category)
    assert result.treatment


def test_toradol_injection_is_a_drug_given_by_injection(lexicon):
    result = normalise_treatment("Toradol 60mg IM injection", lexicon)
    assert (result.medication, result.drug_class, result.category) == (
        "ketorolac",
        "nsaid",
        "injection",
    )


def test_unknown_drug_is_flagged(lexicon):
    result = normalise_treatment("Zorvexa 25mg #30", lexicon)
    assert (result.medication, result.category, result.treatment, result.unknown_medication) == (
        "",
        "pharmaceutical",
        "zorvexa",
        True,
    )


def test_unrecognised_service_falls_back_to_other(lexicon):
    result = normalise_treatment("Something unusual for the patient", lexicon)
    assert (result.category, result.treatment, result.unknown_medication) == (
        "other",
        "something unusual for the patient",
        False,
    )


def test_lexicon_data_files_are_consistent():
    lexicon = load_lexicon(DATA_DIR)
    generics = {drug.generic for drug in lexicon.drugs.values()}
    assert len(generics) >= 250
    assert all(
        drug.drug_class and drug.drug_class == drug.drug_class.lower()
        for drug in lexicon.drugs.values()
    )
    assert {rule.category for rule in lexicon.treatment_rules} <= ALLOWED_CATEGORIES
    assert lexicon.state_code("New Jersey") == lexicon.state_code("nj") == "NJ"
    assert (
        lexicon.specialty("Physical Medicine & Rehabilitation")
        == "Physical Medicine and Rehabilitation"
    )
    assert lexicon.specialty("Orthopaedic Surgery") == "Orthopedic Surgery"


def test_treatment_rules_found_for_labels_are_kept_a_bounded_number(monkeypatch):
    import determinations.lexicon as lexicon_module

    monkeypatch.setattr(lexicon_module, "_LABELS_KEPT", 2)
    lexicon = load_lexicon(DATA_DIR)
    labels = ["MRI of the lumbar spine", "TENS unit", "Lumbar brace", "MRI of the lumbar spine"]
    fresh = [
        next((r for r in lexicon.treatment_rules if r.pattern.search(x)), None) for x in labels
    ]
    assert [lexicon.treatment_rule(label) for label in labels] == fresh
    assert len(lexicon._rule_of) <= 2
