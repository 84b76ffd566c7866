"""Which rights a notice lists, from the legal bases and the register's
answers (GDPR Art. 15-22, Art. 7(3)). Expectations are written out here from
the articles, not taken from hooks.gdpr."""
from __future__ import annotations

import pytest

from hooks.gdpr import applicable_rights

# Art. 15-18: every register, whatever its basis.
EVERY_REGISTER = ["access", "rectification", "erasure", "restriction"]


def rights(*bases, **extra):
    data = {"legal_bases": [{"basis": b} for b in bases], "automated_decisions": "none"}
    data.update(extra)
    return applicable_rights(data)


@pytest.mark.parametrize("basis", list("abcdef"))
def test_the_four_rights_of_every_register_come_first_in_article_order(basis):
    assert rights(basis)[:4] == EVERY_REGISTER


@pytest.mark.parametrize("basis, portability, objection, withdrawal", [
    ("a", True, False, True),    # Art. 20(1)(a); Art. 7(3)
    ("b", True, False, False),   # Art. 20(1)(a)
    ("c", False, False, False),
    ("d", False, False, False),
    ("e", False, True, False),   # Art. 21(1)
    ("f", False, True, False),   # Art. 21(1)
])
def test_each_basis_alone(basis, portability, objection, withdrawal):
    found = rights(basis)
    assert ("portability" in found) is portability
    assert ("objection" in found) is objection
    assert ("withdraw_consent" in found) is withdrawal
    assert "direct_marketing" not in found and "automated_decisions" not in found
    assert len(found) == len(set(found))


def test_bases_combine():
    found = rights("a", "b", "e", "f")
    assert {"portability", "objection", "withdraw_consent"} <= set(found)
    assert len(found) == len(set(found))
    assert set(rights("c", "d")) & {"portability", "objection", "withdraw_consent"} == set()


def test_direct_marketing_is_a_right_only_when_the_register_says_true():
    assert "direct_marketing" in rights("f", rights={"direct_marketing": True})
    assert "direct_marketing" not in rights("f", rights={"direct_marketing": False})
    assert "direct_marketing" not in rights("f", rights={"how_to_exercise": {"en": "x"}})
    assert "direct_marketing" not in rights("f")  # no `rights` at all


def test_automated_decisions_only_when_described():
    assert "automated_decisions" not in rights("b")
    assert "automated_decisions" in rights("b", automated_decisions={"logic": {"en": "x"}, "consequences": {"en": "y"}})


def test_explicit_consent_for_special_categories_counts_as_consent():
    # Art. 9(2)(a) explicit consent: Art. 7(3) (withdrawal) and Art. 20(1)(a) (portability) name it too
    found = rights("c", special_categories=[{"category": "health", "condition": "a"}])
    assert found == EVERY_REGISTER + ["portability", "withdraw_consent"]
    # any one entry on explicit consent is enough; other conditions and broken entries are not consent
    assert rights("c", special_categories=["a", {"condition": "h"}, {"condition": "a"}]) == EVERY_REGISTER + [
        "portability", "withdraw_consent"]
    assert rights("c", special_categories=[{"category": "health", "condition": "b"}, "a"]) == EVERY_REGISTER
    assert rights("c", special_categories="none") == EVERY_REGISTER
    assert rights("c", special_categories={"condition": "a"}) == EVERY_REGISTER  # not a list: the schema reports it


def test_profiling_alone_gives_no_article_22_right():
    assert "automated_decisions" not in rights("b", automated_decisions={"profiling": {"en": "x"}})
    assert "automated_decisions" not in rights("b", automated_decisions=["logic"])


def test_every_right_in_the_order_a_notice_lists_them():
    found = rights("a", "e", rights={"direct_marketing": True},
                   automated_decisions={"logic": {"en": "x"}, "consequences": {"en": "y"}})
    assert found == EVERY_REGISTER + ["portability", "objection", "direct_marketing", "withdraw_consent",
                                      "automated_decisions"]
