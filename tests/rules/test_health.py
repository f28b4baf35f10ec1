"""Riwayat pelayanan rules: visit dates, medicine lines, ICD-10 lookup and search, referral validity,
PRB pickups and controls."""
import ast
import pathlib
import time
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules import health
from app.rules.queue import REFERRAL_KINDS

TODAY = date(2026, 11, 25)
BORN = date(1980, 5, 17)
DATES = st.dates(min_value=date(2014, 1, 1), max_value=date(2090, 12, 31))  # JKN began 2014-01-01


# --- purity -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["health", "reminders", "sms_text"])
def test_rule_modules_import_nothing_but_rules_and_stdlib(name):
    source = pathlib.Path(health.__file__).with_name(f"{name}.py").read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        for module in modules:
            top = module.split(".")[0]
            assert top not in ("flask", "peewee", "flask_login", "flask_wtf"), module
            assert top != "app" or module.startswith("app.rules"), module


# --- visits -------------------------------------------------------------------------------------

def test_a_plain_outpatient_visit_is_fine():
    assert health.visit_problems(TODAY, TODAY, BORN, "RJTP", None, None, TODAY + timedelta(days=30)) == []


def ago(days):
    return TODAY - timedelta(days=days)


@pytest.mark.parametrize("kwargs, code", [
    ({"visit_date": ago(-1)}, "visit_future"),
    ({"visit_date": BORN - timedelta(days=1)}, "visit_before_birth"),
    ({"service_type": "RAWAT"}, "service_type"),
    ({"service_type": "RITL"}, "admission_missing"),
    ({"service_type": "RJTL", "admitted_on": TODAY}, "admission_not_inpatient"),
    ({"service_type": "IGD", "discharged_on": TODAY}, "admission_not_inpatient"),
    ({"service_type": "RITL", "admitted_on": ago(2), "discharged_on": ago(3), "visit_date": ago(2)},
     "discharge_before_admission"),
    ({"service_type": "RITL", "admitted_on": ago(-1)}, "admission_future"),
    ({"service_type": "RITL", "admitted_on": ago(1), "discharged_on": ago(-1)}, "discharge_future"),
    ({"service_type": "RITL", "admitted_on": ago(9), "discharged_on": ago(5)}, "visit_outside_stay"),
    ({"control_date": TODAY}, "control_not_after_visit"),
    ({"control_date": ago(1)}, "control_not_after_visit"),
    ({"service_type": "RITL", "visit_date": ago(5), "admitted_on": ago(5), "discharged_on": ago(2),
      "control_date": ago(3)}, "control_before_discharge"),
])
def test_visit_problem_codes(kwargs, code):
    args = {"visit_date": TODAY, "today": TODAY, "birth_date": BORN, "service_type": "RJTP",
            "admitted_on": None, "discharged_on": None, "control_date": None}
    args.update(kwargs)
    assert code in health.visit_problems(**args)


def test_an_inpatient_stay_with_discharge_and_control_is_fine():
    assert health.visit_problems(TODAY - timedelta(days=5), TODAY, BORN, "RITL", TODAY - timedelta(days=5),
                                 TODAY - timedelta(days=1), TODAY + timedelta(days=7)) == []
    # still in hospital: no discharge date yet
    assert health.visit_problems(TODAY, TODAY, BORN, "RITL", TODAY - timedelta(days=2), None, None) == []


@given(DATES, DATES, st.sampled_from(health.SERVICE_TYPES))
def test_future_visits_are_always_flagged_and_past_ones_never(visit, today, service):
    admitted = visit if service == "RITL" else None
    problems = health.visit_problems(visit, today, None, service, admitted, None, None)
    assert ("visit_future" in problems) == (visit > today)


@given(DATES, DATES, DATES)
def test_discharge_before_admission_exactly_when_it_is(visit, admitted, discharged):
    problems = health.visit_problems(visit, date(2100, 1, 1), None, "RITL", admitted, discharged, None)
    assert ("discharge_before_admission" in problems) == (discharged < admitted)


# --- medicines ----------------------------------------------------------------------------------

def test_a_good_medicine_line():
    assert health.medicine_problems("Metformin 500 mg", "2 x 1 tablet sesudah makan", 60, 30) == []
    assert health.medicine_problems("Amlodipin", "1 x 1", "30", " 30 ") == []


@pytest.mark.parametrize("quantity, days, codes", [
    (0, 30, ["quantity_range"]), (1, 30, []), (1000, 30, []), (1001, 30, ["quantity_range"]),
    (10, 0, ["days_range"]), (10, 1, []), (10, 90, []), (10, 91, ["days_range"]),
    (None, None, ["quantity_missing", "days_missing"]), ("", " ", ["quantity_missing", "days_missing"]),
    ("sepuluh", 5, ["quantity_not_number"]), (True, 5, ["quantity_not_number"]),
    (10, 2.5, ["days_not_number"]),
    ("-3", 5, ["quantity_not_number"]), ("１２", 5, ["quantity_not_number"]),
])
def test_quantity_and_days_ranges(quantity, days, codes):
    assert health.medicine_problems("Parasetamol", "3 x 1", quantity, days) == codes


def test_name_and_dose_text():
    assert health.medicine_problems("", "", 1, 1) == ["name_missing", "dose_missing"]
    assert health.medicine_problems("x" * 100, "d" * 60, 1, 1) == []
    assert health.medicine_problems("x" * 101, "d" * 61, 1, 1) == ["name_too_long", "dose_too_long"]


@given(st.integers(-10, 2000), st.integers(-10, 200))
def test_ranges_agree_with_the_bounds(quantity, days):
    problems = health.medicine_problems("Obat", "1 x 1", quantity, days)
    assert ("quantity_range" in problems) == (not 1 <= quantity <= 1000)
    assert ("days_range" in problems) == (not 1 <= days <= 90)


# --- ICD-10 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["E11.9", "e11.9", "E119", " e119 ", "E11 .9"])
def test_lookup_normalises_the_code(text):
    assert health.icd10_lookup(text) == ("E11.9", "Type 2 diabetes mellitus without complications")


def test_lookup_of_categories_and_unknown_codes():
    assert health.icd10_lookup("i10") == ("I10", "Essential (primary) hypertension")
    assert health.icd10_lookup("E11") == ("E11", "Type 2 diabetes mellitus")
    assert health.icd10_lookup("U07.1")[0] == "U07.1"  # COVID-19, in the 2019 WHO update
    for bad in ("E11.99", "Z99.99", "E10-E14", "IV", "", "11.9", None, "E", "diabetes"):
        assert health.icd10_lookup(bad) is None, bad


def test_only_leaf_codes_may_be_recorded():
    assert health.diagnosis_problem("E11.9") is None
    assert health.diagnosis_problem("I10") is None  # a category without subdivisions is a leaf
    assert health.diagnosis_problem("E11") == "icd10_not_specific"
    assert health.diagnosis_problem("E11.99") == "icd10_unknown"
    assert health.diagnosis_problem("no code") == "icd10_format"


def test_the_real_code_list_is_loaded():
    index = health._icd_index()
    assert len(index.codes) > 12_000  # WHO ICD-10 2019: 2,050 categories + 10,196 subcategories
    assert {"A00", "A00.0", "J18.9", "O80", "Z00.0"} <= set(index.codes)


def test_search_by_code_prefix():
    results = health.icd10_search("e11", limit=50)
    assert results[0] == ("E11", "Type 2 diabetes mellitus")
    assert [code for code, _ in results] == ["E11"] + [f"E11.{d}" for d in "012345678" "9"]
    assert [code for code, _ in health.icd10_search("E119")] == ["E11.9"]
    assert health.icd10_search("J4", limit=3)[0][0] == "J40"
    assert len(health.icd10_search("A0", limit=7)) == 7


def test_search_by_words_ignores_case_and_accents():
    codes = [code for code, _ in health.icd10_search("DIABETES mellitus type 2", limit=20)]
    assert codes[0] == "E11" and "E11.9" in codes and "E10" not in codes
    assert health.icd10_search("meniere")[0] == ("H81.0", "Ménière disease")
    assert "I10" in [code for code, _ in health.icd10_search("hypertens", limit=30)]
    assert "D55.0" in [code for code, _ in health.icd10_search("g6pd")]  # looks like a code, is a word
    assert health.icd10_search("xyzzy") == [] and health.icd10_search("   ") == []


@given(st.text(max_size=30), st.integers(0, 20))
def test_search_never_raises_and_respects_the_limit(text, limit):
    results = health.icd10_search(text, limit=limit)
    assert len(results) <= limit
    for code, name in results:
        assert health.icd10_lookup(code) == (code, name)


def test_search_is_fast_after_warm_up():
    queries = ["diabetes", "a", "of", "fracture of femur", "E11", "j4", "tuberculosis", "s", "demam", "x"]
    health.icd10_search("warm up")
    start = time.perf_counter()
    for _ in range(20):
        for query in queries:
            health.icd10_search(query)
    per_search = (time.perf_counter() - start) / (20 * len(queries))
    assert per_search < 0.005, f"{per_search * 1000:.2f} ms per search"


# --- referrals ----------------------------------------------------------------------------------

@given(DATES)
def test_referral_expires_exactly_90_days_after_issue(issued):
    expires = health.referral_expires_on(issued)
    assert expires - issued == timedelta(days=90)
    assert health.referral_valid(issued, issued)
    assert health.referral_valid(issued, expires)
    assert not health.referral_valid(issued, expires + timedelta(days=1))
    assert not health.referral_valid(issued, issued - timedelta(days=1))


def test_referral_rule_versions_apply_by_issue_date():
    rules = (health.ReferralRule(date(2014, 1, 1)), health.ReferralRule(date(2027, 1, 1), valid_days=60))
    assert health.referral_expires_on(date(2026, 12, 31), rules) == date(2026, 12, 31) + timedelta(days=90)
    assert health.referral_expires_on(date(2027, 1, 1), rules) == date(2027, 3, 2)
    with pytest.raises(ValueError):
        health.referral_expires_on(date(2013, 12, 31))


def test_referrals_go_from_fktp_to_hospital_kinds_only():
    for kind in REFERRAL_KINDS:
        assert health.referral_problems("puskesmas", kind, TODAY, TODAY) == []
    assert health.referral_problems("puskesmas", "apotek", TODAY, TODAY) == ["to_not_referral_kind"]
    assert health.referral_problems("puskesmas", "klinik_pratama", TODAY, TODAY) == ["to_not_referral_kind"]
    assert health.referral_problems("rumah_sakit", "rumah_sakit", TODAY + timedelta(days=1), TODAY) == [
        "from_not_fktp", "issued_future"]


# --- PRB ----------------------------------------------------------------------------------------

def test_prb_conditions_and_their_diagnoses():
    assert health.PRB_CONDITIONS == ("diabetes", "hipertensi", "jantung", "asma", "ppok", "epilepsi",
                                     "skizofrenia", "stroke", "sle")
    assert set(health.PRB_ICD10) == set(health.PRB_CONDITIONS)
    assert health.prb_condition_for("e11.9") == "diabetes"
    assert health.prb_condition_for("I10") == "hipertensi"
    assert health.prb_condition_for("J44.9") == "ppok"
    assert health.prb_condition_for("J18.9") is None
    for prefixes in health.PRB_ICD10.values():
        for prefix in prefixes:
            assert health.icd10_lookup(prefix) is not None, prefix


@pytest.mark.parametrize("pickup_day, today, expected", [
    (15, date(2026, 11, 10), date(2026, 11, 15)),
    (15, date(2026, 11, 15), date(2026, 11, 15)),
    (15, date(2026, 11, 16), date(2026, 12, 15)),
    (28, date(2026, 12, 29), date(2027, 1, 28)),
    (1, date(2027, 1, 31), date(2027, 2, 1)),
])
def test_next_pickup(pickup_day, today, expected):
    assert health.next_pickup(pickup_day, today) == expected


@given(st.integers(1, 28), DATES)
def test_next_pickup_is_the_first_such_day_on_or_after_today(pickup_day, today):
    pickup = health.next_pickup(pickup_day, today)
    assert pickup.day == pickup_day and today <= pickup < today + timedelta(days=32)
    assert all((today + timedelta(days=i)).day != pickup_day for i in range((pickup - today).days))


@pytest.mark.parametrize("day", [0, 29, 31, -1, True, "15", None])
def test_pickup_day_must_be_1_to_28(day):
    with pytest.raises(ValueError):
        health.next_pickup(day, TODAY)


def test_next_control_three_months_later():
    assert health.next_control(date(2026, 11, 25)) == date(2027, 2, 25)
    assert health.next_control(date(2026, 11, 30)) == date(2027, 2, 28)  # clamped to February
    assert health.next_control(date(2027, 11, 30)) == date(2028, 2, 29)
    assert not health.control_overdue(date(2026, 11, 25), date(2027, 2, 25))
    assert health.control_overdue(date(2026, 11, 25), date(2027, 2, 26))


@given(DATES)
def test_next_control_is_always_about_three_months_on(last):
    following = health.next_control(last)
    assert 89 <= (following - last).days <= 92
    assert (following.year * 12 + following.month) - (last.year * 12 + last.month) == 3
