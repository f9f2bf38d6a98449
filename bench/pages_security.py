"""Pages of logging in and the PIN for `make bench`, each in its user's language."""
from tests.live import DEMO

KAVITHA = {"login": DEMO["ta"][0], "password": DEMO["ta"][1], "lang": "ta"}
SUNITA = {"login": DEMO["hi"][0], "password": DEMO["hi"][1], "lang": "hi"}
MEENA = {"login": "meena", "password": "velai-demo", "lang": "ta"}


def pages(db_path):
    return [{"name": "change_pin_ta", "path": "/account/pin", **KAVITHA},
            {"name": "change_pin_hi", "path": "/account/pin", **SUNITA},
            {"name": "change_password_sup", "path": "/account/pin", **MEENA}]
