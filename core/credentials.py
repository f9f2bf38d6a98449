"""Who may have which PIN or password: the one rule for every path that sets a secret
(the command line, her own change, a supervisor adding her alone or from a CSV, an admin
creating or resetting a supervisor or admin), and the secrets Velai makes up itself.

Annotators: a PIN of 4 to 8 digits not among those a guesser tries first, or a real
password. Supervisors and admins: a real password, 10 to 128 characters, not a common
one nor a word with a run of digits after it ("karur12345").
"""
import re
import secrets

from .errors import Invalid

MIN_PIN, MAX_PIN = 4, 8  # an annotator's PIN: digits
MIN_PASSWORD = 10  # supervisors and admins (and any non-digit secret)
MAX_PASSWORD = 128  # longer is no password anyone types; refused before it is hashed
PIN_DIGITS = 4  # a generated PIN
# Generated passwords: letters and digits that cannot be misread (no l, 1, o, 0), in
# groups of four, easy to read out and type on a phone: 12 random characters (~61 bits).
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def _common_pins() -> frozenset:
    """The PINs people choose most (published PIN studies), which a guesser tries first:
    repeats, runs up and down, keyboard and keypad patterns, pairs, and years."""
    pins = {"1234", "1111", "0000", "1212", "7777", "1004", "2000", "4444", "2222", "6969",
            "9999", "3333", "5555", "6666", "1122", "1313", "8888", "4321", "2001", "1010",
            "2580", "0852", "1379", "1397", "1470", "0741", "1590", "7410", "3690", "0963",
            "1236", "1478", "8520", "2468", "1357", "1369", "1221", "1001", "2020", "2121",
            "1231", "1230", "0101", "0011", "0007", "1112", "1113", "1211", "1123", "1233",
            "2233", "2323", "5678", "6789", "1414", "1515", "0001", "0002", "0123", "7890",
            "9876", "5252", "1984", "0202", "0420", "1818", "1717", "5683", "4545",
            "3232", "2525", "1200", "0911", "9111", "3131", "2019", "1986",
            "0987", "6543", "4567", "3456", "2345", "7531", "9630", "2587", "1596", "1593",
            "7539", "1456", "4560", "1998", "1999", "2211", "0070"}
    for d in "0123456789":
        pins.update(d * n for n in range(4, MAX_PIN + 1))  # 0000, 11111, ...
    runs = "01234567890123456789"
    for n in range(4, MAX_PIN + 1):
        for start in range(10):
            run = runs[start:start + n]
            pins.update((run, run[::-1]))  # 1234, 4321, 890123...
    for n in range(2, 5):  # pairs and triples repeated: 1212, 121212, 123123, 12341234
        for start in range(10):
            unit = runs[start:start + n]
            for reps in range(2, MAX_PIN // n + 1):
                pins.add(unit * reps)
    pins.update(str(year) for year in range(1940, 2036))  # birth years, this year
    pins.update(f"{d:02d}{d:02d}" for d in range(1, 32))  # 0101, 2323: a date twice
    pins.update({"112233", "123321", "159753", "147258", "147258369", "654321", "696969",
                 "102030", "11223344", "12344321", "987654", "000123"})
    return frozenset(p for p in pins if len(p) >= MIN_PIN)


COMMON_PINS = _common_pins()
COMMON_PASSWORDS = frozenset({
    "password", "password1", "password12", "password123", "passw0rd", "1234567890",
    "0987654321", "qwertyuiop", "asdfghjkl", "iloveyou", "iloveyou12", "welcome123",
    "admin12345", "administrator", "adminadmin", "letmein123", "changeme", "changeme123",
    "supervisor", "velaivelai", "velai12345", "qwerty1234", "1q2w3e4r5t", "abcdefghij",
    "abc1234567", "india12345", "indiaindia", "bharat1234", "chennai123", "sunshine12",
    "football12", "princess12", "monkey1234", "dragon1234", "master1234", "superman12",
    "qazwsxedc", "zaq12wsx", "trustno1", "baseball12",
})
# Rows a guesser walks along: digits, the alphabet, keyboard rows (either way).
_ROWS = ("01234567890", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl",
         "zxcvbnm", "1q2w3e4r5t6y7u8i9o0p")
_WORD_THEN_DIGITS = re.compile(r"([^\W\d_]+)[^\w]?(\d+)")


def _along_a_row(text: str) -> bool:
    """Whether `text` (3 characters or more) is a stretch of one row, forwards or back."""
    return len(text) >= 3 and any(text in row or text in row[::-1] for row in _ROWS)


def _trivial_digits(digits: str) -> bool:
    """Digits a guesser adds to a word: a run (123), one digit repeated (111), a year."""
    return (_along_a_row(digits) or len(set(digits)) == 1
            or (len(digits) == 4 and 1940 <= int(digits) <= 2035)
            or (len(digits) <= 2))


def is_weak_pin(pin: str) -> bool:
    """A PIN a guesser tries first: a common one, one digit repeated, a run up or down,
    or two digits repeated (1212)."""
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:])}
    return (pin in COMMON_PINS or len(set(pin)) == 1 or steps in ({1}, {-1})
            or (len(pin) == 4 and pin[:2] == pin[2:]))


def is_weak_password(password: str) -> bool:
    """A password a guesser tries first: a common one, fewer than three different
    characters, a stretch of a keyboard row or the alphabet, or a word followed by a run
    of digits, a repeated digit or a year (karur12345, chennai2024)."""
    low = password.lower()
    if low in COMMON_PASSWORDS or password in COMMON_PINS or len(set(low)) < 3:
        return True
    if _along_a_row(low):
        return True
    word = _WORD_THEN_DIGITS.fullmatch(low)
    return bool(word and _trivial_digits(word.group(2)))


def _is_pin(secret: str) -> bool:
    return secret.isascii() and secret.isdigit()


def check_secret(role: str, secret) -> str:
    """The secret to store for someone of `role`, or Invalid naming what is wrong:
    pin_too_short, pin_common (a PIN), password_too_short, password_too_long,
    password_common. A PIN may come with spaces around it (it is stored without);
    a password is kept exactly as typed."""
    secret = secret if isinstance(secret, str) else ""
    pin = secret.strip()
    if role == "annotator" and _is_pin(pin) and len(pin) <= MAX_PIN:
        if len(pin) < MIN_PIN:
            raise Invalid("pin_too_short")
        if is_weak_pin(pin):
            raise Invalid("pin_common")
        return pin
    if len(secret) < MIN_PASSWORD:
        raise Invalid("pin_too_short" if role == "annotator" else "password_too_short")
    if len(secret) > MAX_PASSWORD:
        raise Invalid("password_too_long")
    if is_weak_password(secret):
        raise Invalid("password_common")
    return secret


def new_pin() -> str:
    """A random PIN that the rule above accepts."""
    while True:
        pin = f"{secrets.randbelow(10 ** PIN_DIGITS):0{PIN_DIGITS}d}"
        if not is_weak_pin(pin):
            return pin


def new_password() -> str:
    """A random password of 12 characters in three groups, e.g. ``k7mq-x3pa-9rtw``."""
    while True:
        chars = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(12))
        password = "-".join(chars[i:i + 4] for i in range(0, 12, 4))
        if not is_weak_password(password):
            return password
