"""GGUF conversion with llama.cpp's own converters: full weights and a LoRA adapter over the base.
Skips only where the converter was never fetched; CI sets STEPQ_REQUIRE_CONVERTER=1 to fail instead."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stepq_trl.convert import convert_folder, converter_dir
from stepq_trl.errors import RecipeError
from stepq_trl.train import TrainOptions, train

from .conftest import pair, write_pairs


@pytest.fixture(scope="module")
def tools() -> Path:
    try:
        return converter_dir()
    except RecipeError as e:
        if os.environ.get("STEPQ_REQUIRE_CONVERTER"):
            raise
        pytest.skip(str(e))


@pytest.mark.parametrize("lora", [False, True])
def test_converts_the_trained_folder(tiny_model: Path, tmp_path: Path, tools: Path, lora: bool) -> None:
    import gguf

    pairs = write_pairs(tmp_path / "p.jsonl", [pair(0), pair(1)])
    out = tmp_path / "q"
    train(TrainOptions(base=str(tiny_model), pairs=pairs, out=out, effective_batch=2, max_steps=1, lora=lora, dtype="float32"))
    manifest = convert_folder(out, tools)
    assert manifest["reference"]["gguf"] == "gguf/reference.gguf"
    reference = gguf.GGUFReader(out / "gguf/reference.gguf")
    assert reference.fields["general.architecture"].contents() == "llama"
    assert reference.fields["tokenizer.ggml.add_bos_token"].contents() is True
    if lora:
        assert manifest["lora"]["gguf"] == "gguf/adapter.gguf" and manifest["policy"]["gguf"] is None
        adapter = gguf.GGUFReader(out / "gguf/adapter.gguf")
        assert adapter.fields["general.type"].contents() == "adapter"
    else:
        assert manifest["policy"]["gguf"] == "gguf/policy.gguf"
        policy = gguf.GGUFReader(out / "gguf/policy.gguf")
        assert len(policy.tensors) == len(reference.tensors)
        _same_tokens_as_transformers(out / "policy", out / "gguf/policy.gguf")


def _same_tokens_as_transformers(hf: Path, gguf_file: Path) -> None:
    """llama.cpp tokenises the chat markers and multi-byte text as transformers does."""
    try:
        from llama_cpp import Llama
    except ImportError:
        if os.environ.get("STEPQ_REQUIRE_CONVERTER"):
            raise
        return
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(hf)
    vocab = Llama(str(gguf_file), vocab_only=True, verbose=False)
    text = "<|user|>\nQuestion: café 東京 ✓?<|end|>\n<|assistant|>\nThought: ü\nAction: Finish[x]<|end|>"
    assert vocab.tokenize(text.encode(), add_bos=False, special=True) == tok(text, add_special_tokens=False).input_ids


def test_missing_converter_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RecipeError, match="fetch-converter"):
        converter_dir(tmp_path)
