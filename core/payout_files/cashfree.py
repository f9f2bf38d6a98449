"""Cashfree Payouts bulk transfer: one row per line with the beneficiary's details in the
row (no beneficiary id to add first), in the fields of Cashfree's transfer requests.

Limits Cashfree takes: beneficiary name letters and spaces only, at most 100 (we keep
50, as entered); transfer id letters, digits and underscore, at most 40; remarks at most
70 letters, digits and spaces; amount in rupees with paise, at least 1.00; transfer mode
upi for a UPI ID, imps for a bank account up to ₹5 lakh and neft above. Results come back
in Velai's result layout (reference, status, utr, failure_reason); the reference is the
transfer id."""
from ..exporting import safe_cell
from ..money import rupees  # 12350 -> "123.50"
from ._text import ascii_only, csv_file, cut, mode, period
from .bulk_csv import read_results as velai_results

NAME = "cashfree"
COLUMNS = ("transferId", "amount", "transferMode", "name", "bankAccount", "ifsc", "vpa",
           "remarks")
NAME_CHARS, NAME_LIMIT = "A-Za-z ", 50
REMARKS_LIMIT = 70
read_results = velai_results  # results come back in Velai's layout


def write(payout: dict, lines: list[dict]) -> tuple[str, str]:
    remarks = cut(ascii_only(period(payout), "A-Za-z0-9 "), REMARKS_LIMIT)

    def cells(row):
        name = cut(ascii_only(row["account_name"], NAME_CHARS), NAME_LIMIT)
        if row["kind"] == "vpa":
            number, ifsc, vpa = "", "", row["upi_id"]
        else:
            number, ifsc, vpa = row["account_number"], row["ifsc"], ""
        return (f"VELAI_{payout['id']}_{row['id']}", rupees(row["amount_paise"]),
                mode(row).lower(), name, number, ifsc, safe_cell(vpa), remarks)
    return csv_file(NAME, payout, COLUMNS, map(cells, lines))
