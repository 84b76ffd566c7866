"""Rules between items (hooks/rules.py), called directly on parsed YAML: legal
bases, dates, business IDs, controller items, and the text checks. Expected
values are written out here (check digits computed by hand from the
Y-tunnus rule: weights 7 9 10 5 8 4 2, modulus 11)."""
from __future__ import annotations

import pytest

from hooks import rules
from hooks.yaml_source import parse

FILE = "registers/r.yml"

# 7 digits -> the check digit, one base for every remainder of the weighted sum.
CHECK_DIGITS = {
    "1234562": 0,  # remainder 0 -> 0
    "1234563": 9,  # remainder 2 -> 9
    "1234569": 8,  # 3
    "1234564": 7,  # 4
    "1234578": 6,  # 5
    "1234565": 5,  # 6
    "1234560": 4,  # 7
    "1234566": 3,  # 8
    "1234561": 2,  # 9
    "1234567": 1,  # remainder 10 -> 1
    "0112038": 9,  # a published business ID
}
REMAINDER_ONE = "1234568"  # remainder 1: no business ID is issued with this sum


def doc(text: str):
    document, problems = parse(text, FILE)
    assert problems == []
    return document


def shown(problems):
    return [str(p) for p in problems]


@pytest.mark.parametrize("base, digit", CHECK_DIGITS.items())
def test_business_id_check_digit_for_every_remainder(base, digit):
    assert rules.business_id_valid(f"{base}-{digit}")
    for other in set(range(10)) - {digit}:
        assert not rules.business_id_valid(f"{base}-{other}")


def test_business_id_with_remainder_one_or_wrong_shape_is_invalid():
    assert not any(rules.business_id_valid(f"{REMAINDER_ONE}-{d}") for d in range(10))
    for value in ("1234562-0\n", "12345620", "123456-20", "1234562-00", "x234562-0", " 1234562-0", ""):
        assert not rules.business_id_valid(value), value


def test_business_id_problem_in_register_and_organisation():
    text = "controller:\n  name: X\n  business_id: 1234562-1\n"
    expected = [f"{FILE}:3: controller.business_id: '1234562-1' is not a valid business ID (Y-tunnus): its check "
                "digit does not match; copy it from the Finnish Trade Register (ytj.fi)"]
    assert shown(rules.check_register(doc(text))) == expected
    assert shown(rules.check_organisation(doc(text))) == expected
    assert rules.check_register(doc("controller:\n  business_id: 1234562-0\n")) == []
    # a value of the wrong shape is the schema's to report, not a check-digit problem
    assert rules.check_register(doc("controller:\n  business_id: 12345-1\n")) == []
    assert rules.check_register(doc("controller: none\n")) == []


def test_basis_f_needs_its_interest_and_only_f_has_one():
    text = ("legal_bases:\n"
            "  - basis: f\n"
            "  - not a mapping\n"
            "  - basis: a\n"
            "    legitimate_interest: x\n"
            "  - basis: b\n"
            "    law: x\n"
            "  - basis: c\n"
            "    law: x\n"
            "  - basis: e\n"
            "    law: x\n"
            "  - basis: f\n"
            "    legitimate_interest: x\n"
            "  - not a mapping\n")
    assert shown(rules.check_register(doc(text))) == [
        f"{FILE}:2: legal_bases[1].legitimate_interest: basis f (legitimate interests) needs "
        "`legitimate_interest`: describe the interest the controller or a third party pursues",
        f"{FILE}:5: legal_bases[3].legitimate_interest: `legitimate_interest` belongs to basis f only, not to basis a",
        f"{FILE}:7: legal_bases[4].law: `law` belongs to bases c (legal obligation) and e (public task), not to basis b",
        f"{FILE}:12: legal_bases[7].basis: basis f is already listed as legal basis 1; describe both uses in one entry",
    ]


def test_a_basis_repeated_three_times_names_the_first_listing():
    text = "legal_bases:\n  - basis: c\n  - basis: b\n  - basis: c\n  - basis: c\n"
    assert [p.message.split(";")[0] for p in rules.check_register(doc(text))] == [
        "basis c is already listed as legal basis 1", "basis c is already listed as legal basis 1"]
    assert [p.line for p in rules.check_register(doc(text))] == [4, 5]


def test_legal_bases_that_are_not_a_list_are_left_to_the_schema():
    assert rules.check_register(doc("legal_bases: a\n")) == []


def versions(*dates, created=None):
    head = f"created: '{created}'\n" if created else ""
    return head + "versions:\n" + "".join(f"  - date: '{d}'\n" for d in dates)


def test_versions_newest_first_every_pair_checked():
    assert rules.check_register(doc(versions("2024-06-01", "2023-01-01", "2022-05-05"))) == []
    assert rules.check_register(doc(versions("2024-06-01", "2024-06-01"))) == []  # same day is in order
    # out of order only between the second and the third
    assert shown(rules.check_register(doc(versions("2024-06-01", "2023-01-01", "2023-02-01")))) == [
        f"{FILE}:4: versions[3].date: versions are out of order: 2023-02-01 is newer than the version above it "
        "(2023-01-01); list versions newest first"]
    assert [p.field for p in rules.check_register(doc(versions("2021-01-01", "2022-01-01", "2023-01-01")))] == [
        "versions[2].date", "versions[3].date"]


def test_undated_or_malformed_versions_are_skipped_by_the_order_check():
    text = versions("2024-06-01", "not a date", "2024-13-01", "2023-01-01", "2024-1-1")
    assert rules.check_register(doc(text)) == []
    assert rules.check_register(doc("versions:\n  - 2024-01-01\n  - date: '2024-01-01'\n")) == []
    assert rules.check_register(doc("versions: none\n")) == []
    # a version that is not dated is skipped, the others are still compared
    assert [p.field for p in rules.check_register(doc("versions:\n  - date: '2023-01-01'\n  - x\n"
                                                      "  - date: '2024-01-01'\n"))] == ["versions[3].date"]


def test_no_version_before_created():
    assert rules.check_register(doc(versions("2024-06-01", "2020-01-15", created="2020-01-15"))) == []
    assert shown(rules.check_register(doc(versions("2024-06-01", "2020-01-14", created="2020-01-15")))) == [
        f"{FILE}:4: versions[2].date: this version (2020-01-14) is older than `created` (2020-01-15); "
        "the notice cannot change before it was drawn up"]
    assert len(rules.check_register(doc(versions("2019-06-01", "2019-01-01", created="2020-01-15")))) == 2
    assert rules.check_register(doc(versions("2019-06-01", created="2020-02-30"))) == []  # schema reports it


def texts_problems(value):
    return rules.check_texts(doc(f"t: {value}\n"))


def test_hidden_characters_are_named():
    document = doc("a:\n  b: \"x\\u202ey\\u0007z\\u202e\"\n")
    assert shown(rules.check_texts(document)) == [
        f"{FILE}:2: a.b: the text contains invisible characters that can change how it reads (U+0007 CONTROL "
        "CHARACTER, U+202E RIGHT-TO-LEFT OVERRIDE); delete them (they often come with copied text)"]


def test_texts_in_lists_and_mappings_are_all_checked():
    document = doc("a:\n  - ok\n  - b:\n      - \"[x](javascript:alert(1))\"\n  - 3\nc: true\n")
    assert shown(rules.check_texts(document)) == [
        f"{FILE}:4: a[2].b[1]: the link 'javascript:alert(1)' is not allowed; links must be full addresses "
        "that start with https:, http:, mailto: or tel:"]
    assert rules.check_register(document) == rules.check_texts(document)
    assert rules.check_organisation(document) == rules.check_texts(document)


def test_autolinks_of_other_schemes_and_long_targets():
    target = "javascript:" + "a" * 80
    problems = rules.check_texts(doc(f"t: \"<{target}> <https://ok.example> <JAVASCRIPT:x> [y](<{target}>)\"\n"))
    assert [p.message.split(" is not")[0] for p in problems] == [
        f"the link '{target[:60]}'", "the link 'JAVASCRIPT:x'"]
    assert rules.check_texts(doc("t: \"<mailto:a@b.example> <tel:+358401234567> <HTTPS://a.example>\"\n")) == []


def test_too_complex_text_is_reported_before_its_links():
    problems = rules.check_texts(doc("t: \"" + "[x](javascript:y) " * 101 + "\"\n"))
    assert len(problems) == 1 and "square brackets" in problems[0].message


MERGED_DOC = "name: r\n"


def test_merged_controller_items_and_where_they_are_reported():
    register = doc("name: r\ncontroller:\n  name: X\n")
    organisation, _ = parse("controller:\n  name: X\n", "registers/_organisation.yml")
    complete = {"name": "X", "business_id": "1", "address": "a", "phone": "p", "email": "e"}
    full = {"controller": complete, "data_protection_officer": "none", "contacts": []}
    assert rules.check_merged(full, {}, register, organisation) == []
    data = {**full, "controller": {"name": "X", "phone": "p"}}
    missing = "the controller's business_id is missing; a notice must give the controller's name and business ID"
    no_contact = ("the controller has no contact details: give at least one of `address` (postal address), `email` "
                  "or `contact_form` (the address of a web form); `phone` is optional")
    assert shown(rules.check_merged(data, {"controller": "registers/_organisation.yml"}, register, organisation)) == [
        f"registers/_organisation.yml:2: controller: {missing}",
        f"registers/_organisation.yml:2: controller: {no_contact}"]
    assert shown(rules.check_merged(data, {"controller": FILE}, register, organisation)) == [
        f"{FILE}:3: controller: {missing}", f"{FILE}:3: controller: {no_contact}"]
    assert shown(rules.check_merged(data, {"controller": "registers/_organisation.yml"}, register, None)) == [
        f"{FILE}:3: controller: {missing}", f"{FILE}:3: controller: {no_contact}"]
    neither = {**full, "controller": {"email": "e"}}
    assert [p.message.split(";")[0] for p in rules.check_merged(neither, {}, register, organisation)] == [
        "the controller's name, business_id are missing"]
    # any one of the three contact items is enough; phone alone is not
    for contact in ("address", "email", "contact_form"):
        one = {**full, "controller": {"name": "X", "business_id": "1", contact: "c"}}
        assert rules.check_merged(one, {}, register, organisation) == [], contact
    nothing = {**full, "controller": {"name": "X", "business_id": "1", "phone": "p"}}
    assert [p.message.split(":")[0] for p in rules.check_merged(nothing, {}, register, organisation)] == [
        "the controller has no contact details"]


def test_merged_items_that_may_come_from_the_organisation():
    register = doc("name: r\n")
    assert shown(rules.check_merged({"controller": "x"}, {}, register, None)) == [
        f"{FILE}:1: controller: 'controller' is missing: give it in registers/_organisation.yml (shared by all "
        "registers) or in this file",
        f"{FILE}:1: data_protection_officer: 'data_protection_officer' is missing: give the data protection officer, "
        "or `none` in registers/_organisation.yml or in this file",
        f"{FILE}:1: contacts: 'contacts' is missing: give the contact persons for the register in "
        "registers/_organisation.yml or in this file",
    ]


def test_rules_skip_data_that_is_not_a_mapping():
    for text in ("- a\n- b\n", "just text\n"):
        assert rules.check_register(doc(text)) == []
        assert rules.check_organisation(doc(text)) == []


EMPTY_TEXT = ("the text is empty (it has only spaces, line breaks or invisible characters); write the text, or "
              "remove the item")


def test_a_text_of_only_spaces_or_invisible_characters_is_empty():
    for text in (" ", "\n\t", "\u200b", "\u3164", "\u115f\u1160", "\uffa0", "\u2800", " \u200b\u00a0", "\u0007"):
        assert rules.blank(text), repr(text)
    for text in ("a", " .", "\u200bx", "-"):
        assert not rules.blank(text), repr(text)
    document = doc('a: "  \\u200b "\nb: ""\nc: " x "\nd:\n  - "\\u2800"\n')
    assert shown(rules.check_texts(document)) == [f"{FILE}:1: a: {EMPTY_TEXT}", f"{FILE}:5: d[1]: {EMPTY_TEXT}"]


def test_business_id_digits_are_ascii_and_surrounding_space_is_left_to_the_schema():
    arabic = "\u0661\u0662\u0663\u0664\u0665\u0666\u0662-\u0660"  # 1234562-0 in Arabic-Indic digits
    assert not rules.business_id_valid(arabic)
    assert rules.check_register(doc(f"controller:\n  business_id: \"{arabic}\"\n")) == []  # the schema's pattern
    # a `|` block ends in a line break: the check digit is still judged, on what remains
    assert shown(rules.check_register(doc("controller:\n  business_id: |\n    1234562-1\n"))) == [
        f"{FILE}:2: controller.business_id: '1234562-1' is not a valid business ID (Y-tunnus): its check digit does "
        "not match; copy it from the Finnish Trade Register (ytj.fi)"]
    assert rules.check_register(doc("controller:\n  business_id: \" 1234562-0 \"\n")) == []


def test_a_basis_that_is_not_a_text_is_left_to_the_schema():
    document = doc("legal_bases:\n  - basis: [a]\n    law: x\n  - basis: [a]\n  - basis: {f: 1}\n")
    assert rules.check_register(document) == []
    # and the entries after it are still checked
    document = doc("legal_bases:\n  - basis: [a]\n  - basis: f\n")
    assert [p.field for p in rules.check_register(document)] == ["legal_bases[2].legitimate_interest"]
