"""What the GDPR derives from a register's data: which rights apply."""
from __future__ import annotations

ALWAYS = ("access", "rectification", "erasure", "restriction")
# The rights to object (Art. 21), which a notice presents apart from the others (Art. 21(4)).
OBJECTION_RIGHTS = ("objection", "direct_marketing")


def explicit_consent(data: dict) -> bool:
    """A special category processed on explicit consent (Art. 9(2)(a))."""
    special = data.get("special_categories")
    return isinstance(special, list) and any(
        isinstance(entry, dict) and entry.get("condition") == "a" for entry in special)


def applicable_rights(data: dict) -> list[str]:
    """Rights in the order a notice lists them. Portability needs consent or a
    contract (Art. 20), objection a public task or legitimate interests
    (Art. 21(1)), withdrawal a consent (Art. 7(3)), Art. 22 automated decisions.
    Consent is Art. 6(1)(a) or explicit consent under Art. 9(2)(a): Arts. 7(3)
    and 20(1)(a) name both."""
    bases = {entry["basis"] for entry in data["legal_bases"]}
    consent = "a" in bases or explicit_consent(data)
    rights = list(ALWAYS)
    if consent or "b" in bases:
        rights.append("portability")
    if bases & {"e", "f"}:
        rights.append("objection")
    if data.get("rights", {}).get("direct_marketing"):
        rights.append("direct_marketing")
    if consent:
        rights.append("withdraw_consent")
    decisions = data.get("automated_decisions")
    if isinstance(decisions, dict) and "logic" in decisions:  # not for profiling alone
        rights.append("automated_decisions")
    return rights
