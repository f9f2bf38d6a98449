"""What the payment gateways' bulk files accept: plain ASCII in limited lengths. Names
reach here already checked at entry (English letters, spaces, . ' -); this only narrows
them to one template's set, so a file never carries what the gateway refuses."""
import re
import unicodedata


def ascii_only(text: str, allowed: str) -> str:
    """`text` with accents dropped, then every character outside `allowed` (a regex
    character class body) made a space, spaces collapsed."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join(re.sub(f"[^{allowed}]", " ", plain).split())


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a space when one is near (a name keeps whole
    words where it can)."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    return head.rsplit(" ", 1)[0] if " " in head[limit // 2:] else head


def period(payout: dict) -> str:
    """"Velai pay 23Nov to 29Nov2026": the narration a bank statement shows."""
    start, end = payout["period_start"], payout["period_end"]
    return f"Velai pay {start:%d%b} to {end:%d%b%Y}"
