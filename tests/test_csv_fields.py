"""A CSV cell longer than the csv module takes (128 K characters) is a line-numbered
refusal in her language on every path that reads a CSV, never a 500 (#16 item 7)."""
import io

import pytest

from core import importing, payout_files, people, quiz_bank
from core.errors import Invalid

HUGE = "x" * 200_000


def _quiz_bank_errors(db, project):
    text = ("prompt_en,answer,explanation_en,explanation_ta,explanation_hi\n"
            "A?,pos,a,அ,अ\n" f"{HUGE},pos,b,ஆ,आ\n")
    with pytest.raises(Invalid) as refused:
        quiz_bank.import_bank(db, project, "bank.csv", text.encode(), actor_id=None)
    return refused.value.detail["errors"]


def test_every_csv_reader_refuses_a_huge_cell_naming_its_line(db, make_project):
    project = make_project(tasks=0)
    assert _quiz_bank_errors(db, project) == [(3, None, "bad_csv")]
    with pytest.raises(Invalid) as refused:
        importing.import_tasks(db, project, f"text\nfine\n{HUGE}\n".encode(), "t.csv")
    # Tasks stop a long line before the csv module sees it.
    assert [(e["line"], e["code"]) for e in refused.value.detail["report"]["errors"]] == [
        (3, "line_too_long")]
    # People too, and the lines after it are still read (#15: every problem in one pass).
    problems = []
    rows = people.read_csv(f"name,phone,lang\nA,9876543210,ta\n{HUGE},1,ta\nB,9876543211,hi\n"
                           .encode(), problems)
    assert problems == [(3, None, "people_line_too_long", {"limit": people.MAX_CSV_LINE})]
    assert [row["line"] for row in rows] == [2, 4]
    for fmt in payout_files.FORMATS.values():
        with pytest.raises(Invalid) as refused:
            fmt.read_results("reference,status,utr,failure_reason\n"
                             f"VELAI-1-1,failed,,{HUGE}\n")
        assert (refused.value.code, refused.value.detail) == ("bad_results_line", {"line": 2})


def test_a_quiz_bank_with_a_huge_cell_is_refused_in_her_language(visitor, db, make_user,
                                                                 make_project):
    boss, project = make_user(role="supervisor", lang="ta"), make_project()
    visitor.login(boss)
    text = ("prompt_en,answer,explanation_en,explanation_ta,explanation_hi\n"
            f"A?,pos,a,அ,அ\n{HUGE},pos,b,ஆ,आ\n")
    response = visitor.post(f"/supervisor/quiz/{project['id']}/import",
                            {"file": (io.BytesIO(text.encode()), "bank.csv")},
                            content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<td>3</td>" in body and '<html lang="ta">' in body
    assert "This line cannot be read" not in body  # said in Tamil
    assert db["quiz_questions"].count == 0
