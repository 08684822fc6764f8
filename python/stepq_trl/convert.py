"""GGUF files for the in-process scorer, made by llama.cpp's own converters
(convert_hf_to_gguf.py, convert_lora_to_gguf.py). They are not on PyPI as a package of their
own: llama-cpp-python's source distribution vendors llama.cpp with them, so `fetch-converter`
extracts exactly those scripts (and the gguf-py and conversion modules they import) from it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from .errors import RecipeError
from .manifest import read_manifest, resolve, write_manifest

LLAMA_CPP_PYTHON = "0.3.36"
_VENDOR = "vendor/llama.cpp/"
_KEEP = ("convert_hf_to_gguf.py", "convert_lora_to_gguf.py", "conversion/", "gguf-py/", "LICENSE")


def default_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "stepq" / f"llama.cpp-{LLAMA_CPP_PYTHON}"


def converter_dir(explicit: str | Path | None = None) -> Path:
    """The folder holding convert_hf_to_gguf.py: the argument, $STEPQ_LLAMA_CPP, or the cache."""
    chosen = Path(explicit or os.environ.get("STEPQ_LLAMA_CPP") or default_dir())
    if not (chosen / "convert_hf_to_gguf.py").is_file():
        raise RecipeError(
            f"llama.cpp's converter is not in {chosen}: run `python -m stepq_trl fetch-converter` "
            "(or point STEPQ_LLAMA_CPP at a llama.cpp checkout)"
        )
    return chosen


def _download_sdist(dest: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
    cmd += ["--no-build-isolation", f"llama-cpp-python=={LLAMA_CPP_PYTHON}", "-d", str(dest)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    found = sorted(dest.glob("llama_cpp_python-*.tar.gz"))
    if not found:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RecipeError(f"could not download llama-cpp-python's source distribution ({tail[0]})")
    return found[0]


def fetch_converter(sdist: str | Path | None = None, dest: str | Path | None = None) -> Path:
    """Extracts the converters from llama-cpp-python's sdist (downloaded by pip if not given)."""
    target = Path(dest or default_dir())
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(sdist) if sdist else _download_sdist(Path(tmp))
        with tarfile.open(archive, "r:gz") as tar:
            members = []
            for m in tar.getmembers():
                parts = m.name.split("/", 1)
                if len(parts) < 2 or not parts[1].startswith(_VENDOR):
                    continue
                rel = parts[1][len(_VENDOR) :]
                if any(rel == k or (k.endswith("/") and rel.startswith(k)) for k in _KEEP):
                    if not (m.isfile() or m.isdir()):
                        continue
                    m.name = rel
                    members.append(m)
            if not any(m.name == "convert_hf_to_gguf.py" for m in members):
                raise RecipeError(f"{archive}: no vendor/llama.cpp/convert_hf_to_gguf.py in it")
            target.mkdir(parents=True, exist_ok=True)
            tar.extractall(target, members=members, filter="data")
    return target


def _run(script: Path, args: list[str]) -> None:
    done = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True)
    if done.returncode != 0:
        lines = [l for l in (done.stderr + done.stdout).strip().splitlines() if l.strip()]
        raise RecipeError(f"{script.name} failed: {lines[-1] if lines else f'exit {done.returncode}'}")


def _local_folder(model: str) -> str:
    """A hub id becomes its cached snapshot folder (the converter reads files, not ids)."""
    if Path(model).is_dir():
        return model
    from huggingface_hub import snapshot_download

    try:
        return snapshot_download(model)
    except Exception as e:  # noqa: BLE001 - any hub failure is the same user-facing problem
        raise RecipeError(f"base model {model!r} not found locally or on the hub ({type(e).__name__})") from None


def convert_folder(out: str | Path, llama_cpp: str | Path | None = None, outtype: str = "f32") -> dict[str, Any]:
    """Writes DIR/gguf/*.gguf for the trained folder and records them in its manifest."""
    out = Path(out)
    tools = converter_dir(llama_cpp)
    manifest = read_manifest(out)
    (out / "gguf").mkdir(exist_ok=True)
    reference = _local_folder(resolve(out, manifest["reference"]["hf"]) or manifest["base"])
    _run(tools / "convert_hf_to_gguf.py", [reference, "--outfile", str(out / "gguf/reference.gguf"), "--outtype", outtype])
    manifest["reference"]["gguf"] = "gguf/reference.gguf"
    if manifest.get("lora"):
        adapter = resolve(out, manifest["lora"]["hf"])
        assert adapter is not None
        _run(
            tools / "convert_lora_to_gguf.py",
            [adapter, "--base", reference, "--outfile", str(out / "gguf/adapter.gguf"), "--outtype", outtype],
        )
        manifest["lora"]["gguf"] = "gguf/adapter.gguf"
        manifest["policy"]["gguf"] = None
    else:
        policy = resolve(out, manifest["policy"]["hf"])
        assert policy is not None
        _run(tools / "convert_hf_to_gguf.py", [policy, "--outfile", str(out / "gguf/policy.gguf"), "--outtype", outtype])
        manifest["policy"]["gguf"] = "gguf/policy.gguf"
    write_manifest(out, manifest)
    return manifest
