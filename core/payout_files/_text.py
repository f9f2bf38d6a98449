"""What the payment gateways' bulk files accept: plain ASCII in limited lengths. Names
reach here already checked at entry (English letters, spaces, . ' -); this only narrows
them to one template's set, so a file never carries what the gateway refuses; and the
CSV every gateway's file is, written once."""
import csv
import io
import re
import unicodedata

from .bulk_csv import IMPS_LIMIT_PAISE


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


def mode(row: dict) -> str:
    """How a line is paid: UPI to a UPI ID, IMPS to an account up to ₹5 lakh, NEFT above."""
    if row["kind"] == "vpa":
        return "UPI"
    return "IMPS" if row["amount_paise"] <= IMPS_LIMIT_PAISE else "NEFT"


def csv_file(fmt: str, payout: dict, columns: tuple, rows) -> tuple[str, str]:
    """(file name, text) of a gateway's CSV: its header, then `rows`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    start, end = payout["period_start"], payout["period_end"]
    return f"velai-{fmt}-{payout['id']}-{start}-{end}.csv", out.getvalue()
