"""A tiny randomly initialised llama-architecture model with a SentencePiece tokenizer trained
on the spot: what the tests and the engines check train on, with nothing downloaded.

The tokenizer is SentencePiece BPE with byte fallback (every byte is representable, so any
multi-byte text tokenises) and no dummy prefix (llama.cpp and transformers then agree on
spaces after special tokens). The chat markers of the templates are user-defined symbols, so
both tokenizers keep them whole. llama.cpp's converter reads `tokenizer.model` for the vocab.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterable
from pathlib import Path

from .tokenizer_files import write_converter_token_info

CHAT_MARKERS = [
    "<|user|>",
    "<|assistant|>",
    "<|system|>",
    "<|end|>",
]

_SAMPLE = [
    "Thought: I need to search for the answer first.\nAction: Search[Paris]",
    "Observation: Paris is the capital and largest city of France.",
    "Thought: The answer is here.\nAction: Finish[yes]",
    "Question: Which magazine was started first, Arthur's Magazine or First for Women?",
    "Café naïve résumé 東京 日本語 Ünïcödé — “quotes” ✓ 1234567890",
    "<|user|>\nQuestion: x<|end|>\n<|assistant|>\nThought: y\nAction: Lookup[z]<|end|>\n",
]


def build_tiny_model(
    out: str | Path,
    corpus: Iterable[str] = (),
    vocab_size: int = 512,
    hidden: int = 32,
    layers: int = 2,
    heads: int = 4,
    max_positions: int = 512,
    seed: int = 0,
) -> Path:
    """Writes a loadable model folder (config, weights, tokenizer.json, tokenizer.model) to `out`."""
    import sentencepiece as spm
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM, LlamaTokenizer

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sentences = [*_SAMPLE, *corpus] * 4
    model_bytes = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_writer=model_bytes,
        vocab_size=vocab_size,
        model_type="bpe",
        byte_fallback=True,
        add_dummy_prefix=False,
        normalization_rule_name="identity",
        remove_extra_whitespaces=False,
        user_defined_symbols=CHAT_MARKERS,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        character_coverage=1.0,
        hard_vocab_limit=False,
        split_digits=True,
        minloglevel=2,
    )
    tmp = out / "spm"
    tmp.mkdir(exist_ok=True)
    (tmp / "tokenizer.model").write_bytes(model_bytes.getvalue())
    tok = LlamaTokenizer.from_pretrained(str(tmp), add_prefix_space=False, legacy=False, add_bos_token=True)
    tok.pad_token = tok.unk_token
    shutil.move(str(tmp / "tokenizer.model"), out / "tokenizer.model")
    tmp.rmdir()

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=hidden,
        intermediate_size=hidden * 2,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=heads,
        max_position_embeddings=max_positions,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
        tie_word_embeddings=False,
    )
    model = LlamaForCausalLM(config).to(torch.float32)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    write_converter_token_info(out, tok)
    return out


if __name__ == "__main__":
    import sys

    print(build_tiny_model(sys.argv[1]))
