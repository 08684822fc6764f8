"""Tokenizer files as llama.cpp's converter reads them. transformers 5 keeps the added tokens
(chat markers such as `<|end|>`) only in tokenizer.json, while the converter reads
SentencePiece vocabularies from tokenizer.model and takes the added tokens' types from
`added_tokens_decoder` in tokenizer_config.json (the transformers 4 layout). Without it the
markers become normal pieces in the GGUF, and llama.cpp splits `<|end|>` into characters."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any


def write_converter_token_info(folder: str | Path, tokenizer: Any, base: str | Path | None = None) -> None:
    folder = Path(folder)
    if base is not None and Path(base).is_dir() and (Path(base) / "tokenizer.model").is_file():
        if not (folder / "tokenizer.model").exists():
            shutil.copy2(Path(base) / "tokenizer.model", folder / "tokenizer.model")
    config_path = folder / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.is_file() else {}
    config["added_tokens_decoder"] = {
        str(token_id): {
            "content": added.content,
            "special": bool(added.special),
            "lstrip": bool(added.lstrip),
            "rstrip": bool(added.rstrip),
            "normalized": bool(added.normalized),
            "single_word": bool(added.single_word),
        }
        for token_id, added in sorted(tokenizer.added_tokens_decoder.items())
    }
    config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
