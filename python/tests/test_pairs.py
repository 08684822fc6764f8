"""The pairs reader: valid files load, every mistake names the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from stepq_trl.errors import RecipeError
from stepq_trl.pairs import read_pairs

from .conftest import pair, write_pairs


def test_reads_valid_pairs_with_their_line_numbers(tmp_path: Path) -> None:
    f = write_pairs(tmp_path / "p.jsonl", [pair(0), pair(1)])
    pairs = read_pairs(f)
    assert [p.line for p in pairs] == [1, 2]
    assert pairs[1].task_id == "t1" and pairs[1].chosen.endswith("<|end|>")
    assert "東京" in pairs[0].prompt


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('["a"]', "expected a JSON object"),
        ('{"prompt": "x"}', 'field "chosen" must be a string'),
    ],
)
def test_bad_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    f = tmp_path / "p.jsonl"
    write_pairs(f, [pair(0)])
    f.write_text(f.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    with pytest.raises(RecipeError, match=rf"p\.jsonl:2: .*{message}"):
        read_pairs(f)


def test_bad_fields(tmp_path: Path) -> None:
    cases = [
        (pair(0, depth=-1), 'field "depth" must be an integer'),
        (pair(0, depth=True), 'field "depth" must be an integer'),
        (pair(0, chosen=""), 'field "chosen" is empty'),
        (pair(0, rejected=pair(0)["chosen"]), "chosen and rejected are the same"),
    ]
    for record, message in cases:
        f = write_pairs(tmp_path / "p.jsonl", [record])
        with pytest.raises(RecipeError, match=rf"p\.jsonl:1: {message}"):
            read_pairs(f)


def test_one_env_and_one_template_per_file(tmp_path: Path) -> None:
    f = write_pairs(tmp_path / "p.jsonl", [pair(0), pair(1, env="webshop")])
    with pytest.raises(RecipeError, match=r"p\.jsonl:2: env \"webshop\" differs"):
        read_pairs(f)
    f = write_pairs(tmp_path / "p.jsonl", [pair(0), pair(1, template="chatml")])
    with pytest.raises(RecipeError, match=r"p\.jsonl:2: template \"chatml\" differs"):
        read_pairs(f)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(RecipeError, match="pairs file not found"):
        read_pairs(tmp_path / "absent.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(RecipeError, match="no pairs"):
        read_pairs(tmp_path / "empty.jsonl")
