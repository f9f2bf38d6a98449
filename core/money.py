"""Money: integer paise from end to end, never a float. Rupees a person typed become
paise here, and paise become rupees here: plain ("123.50", for files and forms) or in
her locale with Babel ("₹1,23,456.50": en_IN, ta_IN and hi_IN group by lakh)."""
import re
from decimal import Decimal

from babel import numbers

from .errors import Invalid

# Up to ₹99,99,999.99: more than any pay, bonus or wage Velai handles.
_RUPEES = re.compile(r"(\d{1,7})?(?:\.(\d{1,2}))?", re.ASCII)


def parse_rupees(text) -> int:
    """Paise from rupees as typed: "120", "120.5", "₹ 1,20.50", ".05". Raises
    Invalid("bad_amount") for anything else (more than two decimals, signs, letters,
    digits of other scripts)."""
    text = (text if isinstance(text, str) else "").replace("₹", "").replace(",", "").strip()
    found = _RUPEES.fullmatch(text)
    if not text or text == "." or found is None:
        raise Invalid("bad_amount")
    return int(found.group(1) or 0) * 100 + int((found.group(2) or "0").ljust(2, "0"))


def rupees(paise: int) -> str:
    """"123.50" from 12350: for a bank file, the command line and a form's value."""
    return f"{paise // 100}.{paise % 100:02d}"


def typed_rupees(paise: int) -> str:
    """Rupees as a person types them, paise only when there are some: "60", "60.50"."""
    return str(paise // 100) if paise % 100 == 0 else rupees(paise)


def format_money(paise: int, locale: str) -> str:
    """₹ in a locale's own way, as Babel writes it: format_money(12345650, "en_IN") is
    "₹1,23,456.50"."""
    return numbers.format_currency(Decimal(paise) / 100, "INR", locale=locale)
