"""Reads the pairs that `stepq pairs --format trl` writes: one JSON object per line with the
pre-rendered prompt and completions (stepq renders the chat template, never Python).
Every line is validated; a bad one names the file and the line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import RecipeError

_STRING_FIELDS = ("prompt", "chosen", "rejected", "template", "env", "taskId")


@dataclass(frozen=True)
class Pair:
    prompt: str
    chosen: str
    rejected: str
    template: str
    env: str
    task_id: str
    depth: int
    line: int


def _check(record: object, where: str) -> Pair:
    if not isinstance(record, dict):
        raise RecipeError(f"{where}: expected a JSON object")
    for key in _STRING_FIELDS:
        value = record.get(key)
        if not isinstance(value, str):
            raise RecipeError(f'{where}: field "{key}" must be a string')
    for key in ("prompt", "chosen", "rejected", "template", "env"):
        if record[key] == "":
            raise RecipeError(f'{where}: field "{key}" is empty')
    depth = record.get("depth")
    if not isinstance(depth, int) or isinstance(depth, bool) or depth < 0:
        raise RecipeError(f'{where}: field "depth" must be an integer >= 0')
    if record["chosen"] == record["rejected"]:
        raise RecipeError(f"{where}: chosen and rejected are the same text")
    return Pair(
        prompt=record["prompt"],
        chosen=record["chosen"],
        rejected=record["rejected"],
        template=record["template"],
        env=record["env"],
        task_id=record["taskId"],
        depth=depth,
        line=int(where.rsplit(":", 1)[1]),
    )


def read_pairs(path: str | Path) -> list[Pair]:
    """All pairs of the file; one template and one env for the whole file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RecipeError(f"{path}: pairs file not found") from None
    except UnicodeDecodeError as e:
        raise RecipeError(f"{path}: not UTF-8 text ({e.reason})") from None
    pairs: list[Pair] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.strip() == "":
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as e:
            raise RecipeError(f"{where}: not valid JSON ({e.msg})") from None
        pair = _check(record, where)
        if pairs and pair.template != pairs[0].template:
            raise RecipeError(
                f'{where}: template "{pair.template}" differs from "{pairs[0].template}" on line {pairs[0].line}'
            )
        if pairs and pair.env != pairs[0].env:
            raise RecipeError(f'{where}: env "{pair.env}" differs from "{pairs[0].env}" on line {pairs[0].line}')
        pairs.append(pair)
    if not pairs:
        raise RecipeError(f"{path}: no pairs in the file")
    return pairs
