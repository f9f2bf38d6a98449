"""The bulk-payout CSV in the layout RazorpayX and Cashfree bulk uploads take, and the
result file with reference, status, UTR and failure reason."""
import csv
import io
import re

from ..errors import Invalid
from ..exporting import safe_cell
from ..money import rupees  # 12350 -> "123.50"

NAME = "bulk_csv"
IMPS_LIMIT_PAISE = 5_00_000_00  # IMPS carries up to ₹5 lakh; above that, NEFT
COLUMNS = ("account_type", "name", "account_number", "ifsc", "upi_id", "amount", "mode",
           "purpose", "narration", "reference")
RESULT_COLUMNS = ("reference", "status", "utr", "failure_reason")
PAID_WORDS = {"paid", "processed", "success", "successful", "completed"}
FAILED_WORDS = {"failed", "failure", "rejected", "reversed", "cancelled"}
REFERENCE = re.compile(r"^VELAI-(\d{1,18})-(\d{1,18})$")


def write(payout: dict, lines: list[dict]) -> tuple[str, str]:
    start, end = payout["period_start"], payout["period_end"]
    narration = f"Velai pay {start:%d%b}-{end:%d%b%Y}"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in lines:
        if row["kind"] == "vpa":
            account = ("vpa", "", "", row["upi_id"], "UPI")
        else:
            mode = "IMPS" if row["amount_paise"] <= IMPS_LIMIT_PAISE else "NEFT"
            account = ("bank_account", row["account_number"], row["ifsc"], "", mode)
        # a name is typed by people: one like "=HYPERLINK(...)" must stay text in a sheet
        writer.writerow((account[0], safe_cell(row["name"]), account[1], account[2],
                         safe_cell(account[3]),
                         rupees(row["amount_paise"]), account[4], "payout", narration,
                         f"VELAI-{payout['id']}-{row['id']}"))
    return f"velai-payout-{payout['id']}-{start}-{end}.csv", out.getvalue()


def read_results(text: str) -> list[dict]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if tuple(header[:4]) != RESULT_COLUMNS:
        raise Invalid("bad_results_header")
    results = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        row = [cell.strip() for cell in row] + [""] * 4
        found = REFERENCE.match(row[0])
        status = row[1].lower()
        results.append({
            "line": number,
            "payout_id": int(found.group(1)) if found else None,
            "line_id": int(found.group(2)) if found else None,
            "status": "paid" if status in PAID_WORDS else
                      "failed" if status in FAILED_WORDS else None,
            "utr": row[2], "reason": row[3]})
    return results
