"""Bank bulk-payout files: the file the accounts team uploads to pay an approved payout,
and the bank's result file read back. Each provider's layout is one module here with

    NAME                       a stable code
    write(payout, lines)       -> (file name, text); `lines`: the payout's unsettled lines
                                  with amount_paise, name, kind, upi_id, account_number, ifsc
    read_results(text)         -> one dict per row: line (its number in the file),
                                  payout_id, line_id, status ('paid', 'failed' or None),
                                  utr, reason; Invalid("bad_results_header") when the file
                                  is not of this layout

and one entry in FORMATS; the first is the default. core.payouts keeps the rules (who may
take the file, which lines, what a result may say); a format only lays out and reads."""
from . import bulk_csv, cashfree, razorpayx

FORMATS = {module.NAME: module for module in (bulk_csv, razorpayx, cashfree)}
DEFAULT = next(iter(FORMATS))


def get(name: str | None = None):
    """The format called `name` (the default when None); KeyError for an unknown name."""
    return FORMATS[name or DEFAULT]
