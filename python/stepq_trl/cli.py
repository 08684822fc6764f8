"""`python -m stepq_trl <command>`: train, convert, fetch-converter, qvalues, tiny-model.
Progress goes to stdout as JSON lines; a user mistake is one line on stderr and exit 2."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .errors import RecipeError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m stepq_trl", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    t = sub.add_parser("train", help="step-level DPO with TRL's DPOTrainer")
    t.add_argument("--base", required=True, help="hub id or local folder of the starting model")
    t.add_argument("--pairs", required=True, type=Path, help="JSONL from `stepq pairs --format trl`")
    t.add_argument("--out", required=True, type=Path, help="output folder (manifest stepq-qmodel.json)")
    t.add_argument("--beta", type=float, help="DPO beta (default per env: hotpotqa 0.05, webshop 0.1)")
    t.add_argument("--epochs", type=float, help="epochs (default per env: hotpotqa 1, webshop 2)")
    t.add_argument("--lr", type=float, default=1e-6, help="learning rate, constant after warm-up")
    t.add_argument("--warmup-ratio", type=float, default=0.1)
    t.add_argument("--effective-batch", type=int, default=64, help="pairs per optimiser step, all processes")
    t.add_argument("--per-device-batch", type=int, default=1)
    t.add_argument("--max-length", type=int, default=1024, help="token limit shared with the scorer")
    t.add_argument("--lora", action="store_true", help="train a LoRA adapter (peft) instead of all weights")
    t.add_argument("--lora-r", type=int, default=16)
    t.add_argument("--lora-alpha", type=int, default=32)
    t.add_argument("--dtype", default="auto", choices=["auto", "float32", "bfloat16", "float16"])
    t.add_argument("--gradient-checkpointing", action="store_true")
    t.add_argument("--max-steps", type=int, default=-1, help="stop after this many optimiser steps")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--stepq-version", help="recorded in the manifest")
    t.add_argument("--gguf", action="store_true", help="convert to GGUF after training")
    t.add_argument("--llama-cpp", help="folder with llama.cpp's convert_hf_to_gguf.py")
    t.add_argument("--outtype", default="f32", choices=["f32", "f16", "bf16", "q8_0"])

    c = sub.add_parser("convert", help="GGUF files for a trained folder (llama.cpp's converters)")
    c.add_argument("out", type=Path)
    c.add_argument("--llama-cpp", help="folder with llama.cpp's convert_hf_to_gguf.py")
    c.add_argument("--outtype", default="f32", choices=["f32", "f16", "bf16", "q8_0"])

    f = sub.add_parser("fetch-converter", help="extract llama.cpp's converters from llama-cpp-python's sdist")
    f.add_argument("--sdist", help="a downloaded llama_cpp_python-*.tar.gz (else pip downloads it)")
    f.add_argument("--dest", help="where to put them (default ~/.cache/stepq/llama.cpp-VERSION)")

    q = sub.add_parser("qvalues", help="Q(chosen), Q(rejected) per pair with transformers (JSON lines)")
    q.add_argument("out", type=Path)
    q.add_argument("--pairs", required=True, type=Path)

    m = sub.add_parser("tiny-model", help="a tiny random llama model with a SentencePiece tokenizer")
    m.add_argument("out", type=Path)
    m.add_argument("--corpus", type=Path, help="text file: the tokenizer is trained on its lines too")
    m.add_argument("--max-positions", type=int, default=512)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "train":
            from .convert import convert_folder, converter_dir
            from .train import TrainOptions, emit, train

            if args.gguf:
                converter_dir(args.llama_cpp)  # fail before training, not after
            train(
                TrainOptions(
                    base=args.base,
                    pairs=args.pairs,
                    out=args.out,
                    beta=args.beta,
                    epochs=args.epochs,
                    learning_rate=args.lr,
                    warmup_ratio=args.warmup_ratio,
                    effective_batch=args.effective_batch,
                    per_device_batch=args.per_device_batch,
                    max_length=args.max_length,
                    lora=args.lora,
                    lora_r=args.lora_r,
                    lora_alpha=args.lora_alpha,
                    dtype=args.dtype,
                    gradient_checkpointing=args.gradient_checkpointing,
                    max_steps=args.max_steps,
                    seed=args.seed,
                    stepq_version=args.stepq_version,
                )
            )
            if args.gguf and int(os.environ.get("RANK", "0")) == 0:
                emit("converting", out=str(args.out))
                manifest = convert_folder(args.out, args.llama_cpp, args.outtype)
                emit("converted", policy=manifest["policy"]["gguf"], reference=manifest["reference"]["gguf"])
        elif args.command == "convert":
            from .convert import convert_folder

            print(json.dumps(convert_folder(args.out, args.llama_cpp, args.outtype)))
        elif args.command == "fetch-converter":
            from .convert import fetch_converter

            print(fetch_converter(args.sdist, args.dest))
        elif args.command == "qvalues":
            from .qvalues import q_values

            for row in q_values(args.out, args.pairs):
                print(json.dumps(row))
        elif args.command == "tiny-model":
            from .tiny import build_tiny_model

            corpus = args.corpus.read_text(encoding="utf-8").splitlines() if args.corpus else []
            print(build_tiny_model(args.out, corpus, max_positions=args.max_positions))
    except RecipeError as e:
        sys.stdout.write(json.dumps({"event": "error", "message": str(e)}) + "\n")
        sys.stdout.flush()
        sys.stderr.write(f"stepq-trl: error: {e}\n")
        return 2
    return 0
