"""The recipe on TRL: TRL trains on exactly the recipe's token ids (its first-step log-probs
equal ours), the manifest is complete, LoRA keeps an adapter, mistakes are one line + exit 2."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from stepq_trl.cli import main
from stepq_trl.manifest import read_manifest
from stepq_trl.qvalues import _span_logprob, q_values
from stepq_trl.tokens import encode, settings_for
from stepq_trl.train import PairCollator, TrainOptions, train

from .conftest import pair, write_pairs


def _pairs(tmp_path: Path) -> Path:
    long_prompt = "<|user|>\nObservation: " + "a very long page é 東 " * 30 + "<|end|>\n<|assistant|>\n"
    return write_pairs(tmp_path / "p.jsonl", [pair(0), pair(1), pair(2, prompt=long_prompt)])


def _events(out: str) -> list[dict[str, object]]:
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]


def test_collator_keeps_each_sides_prompt() -> None:
    batch = PairCollator(pad_token_id=0)(
        [{"prompt_ids": [1, 5, 6], "chosen_ids": [7], "rejected_prompt_ids": [1, 6], "rejected_ids": [8, 9]}]
    )
    assert batch["input_ids"].tolist() == [[1, 5, 6, 7], [1, 6, 8, 9]]
    assert batch["completion_mask"].tolist() == [[0, 0, 0, 1], [0, 0, 1, 1]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1, 1], [1, 1, 1, 1]]


def test_trl_trains_on_the_recipes_tokens(tiny_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    pairs = _pairs(tmp_path)
    opts = TrainOptions(
        base=str(tiny_model), pairs=pairs, out=tmp_path / "q", max_length=48, effective_batch=3,
        per_device_batch=3, max_steps=1, dtype="float32",
    )
    manifest = train(opts)
    events = _events(capsys.readouterr().out)
    tokenised = next(e for e in events if e["event"] == "tokenised")
    assert tokenised["truncatedSides"] == 2 and tokenised["skipped"] == 0
    first = next(e for e in events if e["event"] == "log" and "logps/chosen" in e)

    tok = AutoTokenizer.from_pretrained(tiny_model)
    base = AutoModelForCausalLM.from_pretrained(tiny_model, dtype=torch.float32).eval()
    s = settings_for(tok, 48)
    records = [json.loads(l) for l in pairs.read_text(encoding="utf-8").splitlines()]
    for side in ("chosen", "rejected"):
        ours = [
            _span_logprob(base, *(lambda e: (e.prompt_ids, e.completion_ids))(encode(tok, s, r["prompt"], r[side])), False)
            for r in records
        ]
        assert math.isclose(first[f"logps/{side}"], sum(ours) / len(ours), abs_tol=1e-3)

    assert manifest == read_manifest(tmp_path / "q")
    assert manifest["format"] == "stepq.llm-qmodel/1" and manifest["env"] == "hotpotqa"
    assert manifest["beta"] == 0.05 and manifest["training"]["epochs"] == 1  # HotPotQA's defaults
    assert manifest["tokens"] == {"addBos": True, "bosId": tok.bos_token_id, "appendEos": False, "eosId": tok.eos_token_id}
    assert manifest["truncation"] == {"maxLength": 48, "side": "left"}
    assert manifest["policy"] == {"hf": "policy", "gguf": None} and manifest["lora"] is None
    assert manifest["versions"]["trl"] == "1.16.0" and manifest["versions"]["peft"] is None
    assert (tmp_path / "q/policy/tokenizer.model").is_file()


def test_dpo_moves_q_toward_chosen_and_lora_keeps_an_adapter(tiny_model: Path, tmp_path: Path) -> None:
    pairs = write_pairs(tmp_path / "p.jsonl", [pair(i, env="webshop") for i in range(4)])
    opts = TrainOptions(
        base=str(tiny_model), pairs=pairs, out=tmp_path / "q", effective_batch=4, per_device_batch=4,
        max_steps=6, learning_rate=5e-3, warmup_ratio=0.0, lora=True, lora_r=4, lora_alpha=8, dtype="float32",
    )
    manifest = train(opts)
    assert manifest["beta"] == 0.1 and manifest["training"]["epochs"] == 2  # WebShop's defaults
    assert manifest["lora"] == {"hf": "adapter", "gguf": None, "r": 4, "alpha": 8}
    assert manifest["policy"]["hf"] == str(tiny_model.resolve()) and manifest["versions"]["peft"] == "0.21.2"
    assert (tmp_path / "q/adapter/adapter_config.json").is_file()
    rows = q_values(tmp_path / "q", pairs)
    margins = [r["chosen"]["q"] - r["rejected"]["q"] for r in rows]
    assert all(m > 0 for m in margins), margins


def test_cli_errors_are_one_line_and_exit_2(tiny_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pairs = write_pairs(tmp_path / "p.jsonl", [pair(0)])
    assert main(["train", "--base", str(tmp_path / "no-such-model"), "--pairs", str(pairs), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "base model" in err and "not found" in err
    pairs.write_text('{"prompt": 1}\n', encoding="utf-8")
    assert main(["train", "--base", str(tiny_model), "--pairs", str(pairs), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "p.jsonl:1:" in err


def test_gpu_bench_script_runs_on_the_cpu_at_tiny_shape(capsys: pytest.CaptureFixture[str]) -> None:
    from stepq_trl.bench_gpu import main as bench

    bench(["--shape", "tiny", "--device", "cpu", "--steps", "1", "--per-device-batch", "2", "--accumulation", "1",
           "--prompt-tokens", "20", "--completion-tokens", "5"])
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["pairs"] == 2 and result["pairsPerSecond"] > 0 and result["dtype"] == "float32"
