"""Shared fixtures: one tiny model per test session (built in seconds, nothing downloaded)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stepq_trl.tiny import build_tiny_model

PROMPT = "<|user|>\nQuestion: Where is the café {i} in 東京?<|end|>\n<|assistant|>\n"


def pair(i: int, **over: object) -> dict[str, object]:
    record: dict[str, object] = {
        "prompt": PROMPT.format(i=i),
        "chosen": f"Thought: found it\nAction: Finish[Paris {i}]<|end|>",
        "rejected": f"Thought: not sure\nAction: Search[Ünïcödé {i}]<|end|>",
        "template": "phi3",
        "env": "hotpotqa",
        "taskId": f"t{i}",
        "depth": 0,
    }
    record.update(over)
    return record


def write_pairs(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny"), max_positions=256)


@pytest.fixture(scope="session")
def tiny_tokenizer(tiny_model: Path) -> object:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model)
