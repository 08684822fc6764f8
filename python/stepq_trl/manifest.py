"""The output folder's manifest, `stepq-qmodel.json` (format `stepq.llm-qmodel/1`): everything
stepq's scorers need to rebuild the Q-value model from the folder with nothing repeated by hand."""

from __future__ import annotations

import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

MANIFEST = "stepq-qmodel.json"
FORMAT = "stepq.llm-qmodel/1"


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def versions(stepq: str | None, lora: bool) -> dict[str, str | None]:
    return {
        "stepq": stepq,
        "python": platform.python_version(),
        "torch": _version("torch"),
        "transformers": _version("transformers"),
        "trl": _version("trl"),
        "peft": _version("peft") if lora else None,
        "gguf": _version("gguf"),
    }


def write_manifest(out: Path, manifest: dict[str, Any]) -> Path:
    path = out / MANIFEST
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def read_manifest(out: Path) -> dict[str, Any]:
    path = Path(out) / MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(f"{path}: format is {data.get('format')!r}, expected {FORMAT!r}")
    return data


def resolve(out: Path, entry: str | None) -> str | None:
    """A manifest path (relative to the folder) or a hub id, as given."""
    if entry is None:
        return None
    candidate = Path(out) / entry
    return str(candidate) if candidate.exists() else entry
