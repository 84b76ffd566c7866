"""What the GDPR derives from a register's data: which rights apply."""
from __future__ import annotations

ALWAYS = ("access", "rectification", "erasure", "restriction")


def applicable_rights(data: dict) -> list[str]:
    """Rights in the order a notice lists them. Portability needs consent or a
    contract (Art. 20), objection a public task or legitimate interests
    (Art. 21(1)), withdrawal a consent (Art. 7(3)), Art. 22 automated decisions."""
    bases = {entry["basis"] for entry in data["legal_bases"]}
    rights = list(ALWAYS)
    if bases & {"a", "b"}:
        rights.append("portability")
    if bases & {"e", "f"}:
        rights.append("objection")
    if data.get("rights", {}).get("direct_marketing"):
        rights.append("direct_marketing")
    if "a" in bases:
        rights.append("withdraw_consent")
    if data.get("automated_decisions") != "none":
        rights.append("automated_decisions")
    return rights
