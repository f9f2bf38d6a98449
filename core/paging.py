"""Paging: one page of a long list. The page number a person asked for (?page=) is
read here, a page's LIMIT and OFFSET are made here, and whether a next page exists is
told by the one row more than a page that every paged query asks for."""
MAX_PAGE = 10**9  # far past any real page; keeps OFFSET within SQLite's integers


def page_number(raw) -> int:
    """The page asked for, from 1: anything but a whole number is page 1, and no page
    is past MAX_PAGE."""
    try:
        page = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(page, 1), MAX_PAGE)


def window(page, per_page: int) -> dict:
    """:limit and :offset for one page, one row more than a page (see split)."""
    return {"limit": per_page + 1, "offset": (page_number(page) - 1) * per_page}


def split(rows, per_page: int) -> tuple[list, bool]:
    """A page's rows from those window() fetched, and whether a next page exists."""
    rows = list(rows)
    return rows[:per_page], len(rows) > per_page
