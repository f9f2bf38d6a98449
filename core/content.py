"""What a person reads that is not in the catalogs (project names and instructions,
answer labels, quiz questions and explanations), kept as `texts` rows: (kind, owner,
field, language, text). One table for every kind: one way to write, read, fall back and
check completeness, and a new language or a new kind of text is no schema change.

A text missing in her language falls back to the project's first language, and says so
(`fallback` in what card() returns): never an empty label.
"""
import json

from . import languages
from .db import one

# SQL: the texts of one field as a JSON object {lang: text}, for a row `owner` of `kind`.
_JSON = ("(SELECT json_group_object(lang, text) FROM texts WHERE kind = '{kind}'"
         " AND owner_id = {owner} AND field = '{field}')")


def json_sql(kind: str, owner: str, field: str) -> str:
    """A column expression: `field` of `kind` row `owner` (e.g. "p.id") as {lang: text}."""
    return _JSON.format(kind=kind, owner=owner, field=field)


def project_name(alias: str = "p", column: str = "name") -> str:
    """Columns for a project's name in any list: `name_texts` ({lang: text} as JSON; or
    `<column>_texts`) and `languages`, which localized(row, "name") reads."""
    return (f"{json_sql('project', f'{alias}.id', 'name')} AS {column}_texts,"
            f" {alias}.languages")


def texts_of(row: dict, field: str) -> dict | None:
    """A row's `field` as {lang: text}: from its `<field>_texts` JSON column (project_name),
    or a dict already there; None when `field` holds a text already chosen for her."""
    if f"{field}_texts" in row:
        return json.loads(row[f"{field}_texts"] or "{}")
    value = row.get(field)
    if value is None:
        return {}
    return value if isinstance(value, dict) else None


def langs_of(row: dict) -> list[str]:
    """A project's (or a row carrying its `languages`) content languages, first first."""
    value = row.get("languages")
    return (json.loads(value) if isinstance(value, str) else list(value or ())) \
        or [languages.FALLBACK]


def pick(texts: dict, lang: str, order=()) -> tuple[str, str | None]:
    """(text, the language it is in) for a reader of `lang`: hers, else the first of
    `order` (the project's languages) that has one, else any; ("", None) when none."""
    if texts.get(lang):
        return texts[lang], lang
    for code in (*order, languages.FALLBACK, *sorted(texts)):
        if texts.get(code):
            return texts[code], code
    return "", None


def read(db, kind: str, owner_ids) -> dict:
    """{owner_id: {field: {lang: text}}} for these owners."""
    ids = list(owner_ids)
    found: dict = {owner: {} for owner in ids}
    if not ids:
        return found
    for row in db.query("SELECT owner_id, field, lang, text FROM texts WHERE kind = ?"
                        " AND owner_id IN (SELECT value FROM json_each(?))",
                        (kind, json.dumps(ids))):
        found[row["owner_id"]].setdefault(row["field"], {})[row["lang"]] = row["text"]
    return found


def write(db, kind: str, owner_id: int, field: str, texts: dict) -> None:
    """Make `field` of this owner exactly `texts` ({lang: text}): empty texts are removed.
    Inside the caller's write transaction."""
    keep = {lang: text for lang, text in texts.items() if text}
    db.execute("DELETE FROM texts WHERE kind = ? AND owner_id = ? AND field = ?"
               " AND lang NOT IN (SELECT value FROM json_each(?))",
               (kind, owner_id, field, json.dumps(list(keep))))
    for lang, text in keep.items():
        db.execute("INSERT INTO texts (kind, owner_id, field, lang, text) VALUES (?, ?, ?, ?, ?)"
                   " ON CONFLICT (kind, owner_id, field, lang) DO UPDATE SET text = excluded.text"
                   " WHERE text <> excluded.text", (kind, owner_id, field, lang, text))


def project_texts(db, project_id: int) -> dict:
    """A project's content in every language: {"name": {lang: text}, "instructions": ..,
    "labels": [{"value", "text": {lang: text}}]} (labels in their order)."""
    own = read(db, "project", [project_id])[project_id]
    labels = list(db.query("SELECT id, value FROM labels WHERE project_id = ? ORDER BY position",
                           (project_id,)))
    texts = read(db, "label", [label["id"] for label in labels])
    return {"name": own.get("name", {}), "instructions": own.get("instructions", {}),
            "labels": [{"value": label["value"], "text": texts[label["id"]].get("text", {})}
                       for label in labels]}


def missing(project: dict, texts: dict, langs) -> dict:
    """{lang: [what is missing: "name", "instructions", "labels"]} for each of `langs`
    where some of the project's content is not written (instructions only count when the
    first language has some)."""
    out = {}
    first = langs_of(project)[0]
    for lang in langs:
        gaps = [field for field in ("name", "instructions")
                if not texts[field].get(lang) and (field == "name" or texts[field].get(first))]
        if any(not label["text"].get(lang) for label in texts["labels"]):
            gaps.append("labels")
        if gaps:
            out[lang] = gaps
    return out


# The task card's content per (database, project, language), kept per process and checked against
# the project's content_version, which triggers bump on every change: her next task costs
# no query for it (the project row the cycle reads anyway carries the version).
_CARDS: dict = {}


def card(db, project: dict, lang: str) -> dict:
    """What the card shows of the project in `lang`: name, instructions, labels
    [{"value", "text"}], and `fallback`: the language shown instead of hers where a text
    is missing in hers (None when all is in hers)."""
    key = (getattr(db, "velai_path", None), project["id"], lang)  # one cache, any database
    version = project.get("content_version")
    if version is None:  # a row read without the version (a narrow query): read it
        version = one(db, "SELECT content_version FROM projects WHERE id = ?",
                      (project["id"],))["content_version"]
    cached = _CARDS.get(key)
    if cached and cached[0] == version:
        return cached[1]
    texts = project_texts(db, project["id"])
    order = langs_of(project if "languages" in project else one(
        db, "SELECT languages FROM projects WHERE id = ?", (project["id"],)))
    used = set()

    def chosen(values):
        text, code = pick(values, lang, order)
        if code and code != lang:
            used.add(code)
        return text
    shown = {"name": chosen(texts["name"]), "instructions": chosen(texts["instructions"]),
             "labels": [{"value": label["value"], "text": chosen(label["text"]) or label["value"]}
                        for label in texts["labels"]]}
    shown["fallback"] = next((code for code in order if code in used), min(used, default=None))
    _CARDS[key] = (version, shown)
    return shown
