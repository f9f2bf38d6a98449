"""RazorpayX bulk payouts: the dashboard's generic CSV template (amounts in rupees), one
row per line, creating the contact and fund account as it pays.

Limits the template and RazorpayX's payout fields take: contact and fund account name
3-50 characters (letters, spaces, . '); narration at most 30 letters, digits and spaces;
reference id at most 40 characters; mode UPI for a UPI ID, IMPS for a bank account up to
₹5 lakh and NEFT above; purpose "payout". The RazorpayX account number to pay from is
left blank: the dashboard asks which account when the file is uploaded. Results come
back in Velai's result layout (reference, status, utr, failure_reason)."""
from ..exporting import safe_cell
from ..money import rupees  # 12350 -> "123.50"
from ._text import ascii_only, csv_file, cut, mode, period
from .bulk_csv import read_results as velai_results

NAME = "razorpayx"
COLUMNS = ("RazorpayX Account Number", "Payout Amount (in Rupees)", "Payout Currency",
           "Payout Mode", "Payout Purpose", "Fund Account Id", "Fund Account Type",
           "Fund Account Name", "Fund Account Ifsc", "Fund Account Number",
           "Fund Account Vpa", "Fund Account Phone Number", "Contact Name",
           "Payout Narration", "Payout Reference Id", "Fund Account Email", "Contact Type",
           "Contact Email", "Contact Mobile", "Contact Reference Id")
NAME_CHARS, NAME_LIMIT = "A-Za-z .'", 50
NARRATION_LIMIT = 30
read_results = velai_results  # results come back in Velai's layout


def write(payout: dict, lines: list[dict]) -> tuple[str, str]:
    narration = cut(ascii_only(period(payout), "A-Za-z0-9 "), NARRATION_LIMIT)

    def cells(row):
        name = cut(ascii_only(row["account_name"], NAME_CHARS), NAME_LIMIT)
        if row["kind"] == "vpa":
            kind, ifsc, number, vpa = "vpa", "", "", row["upi_id"]
        else:
            kind, ifsc, number, vpa = "bank_account", row["ifsc"], row["account_number"], ""
        return ("", rupees(row["amount_paise"]), "INR", mode(row), "payout", "", kind,
                name, ifsc, number, safe_cell(vpa), "", name, narration,
                f"VELAI-{payout['id']}-{row['id']}", "", "", "", "", "")
    return csv_file(NAME, payout, COLUMNS, map(cells, lines))
