"""Throughput of the recipe's DPO step: `python -m stepq_trl.bench_gpu` (on a GPU, bf16, a
randomly initialised model of Phi-1.5's shape; nothing downloaded). Prints pairs per second.
`--shape tiny --device cpu` is the smoke run the tests use."""

from __future__ import annotations

import argparse
import copy
import json
import random
import tempfile
import time
from typing import Any

# Phi-1.5 (microsoft/phi-1_5 config.json): 1.4B parameters, 2,048 positions.
PHI_1_5 = dict(
    vocab_size=51200,
    hidden_size=2048,
    intermediate_size=8192,
    num_hidden_layers=24,
    num_attention_heads=32,
    partial_rotary_factor=0.5,
    max_position_embeddings=2048,
)
TINY = dict(vocab_size=512, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4)


def synthetic_rows(n: int, vocab: int, prompt_len: int, completion_len: int, seed: int) -> list[dict[str, list[int]]]:
    """Pre-tokenised pairs of realistic length (HotPotQA best-path prompts are ~700 tokens)."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        prompt = [rng.randrange(3, vocab) for _ in range(prompt_len)]
        rows.append(
            {
                "prompt_ids": prompt,
                "chosen_ids": [rng.randrange(3, vocab) for _ in range(completion_len)],
                "rejected_prompt_ids": prompt,
                "rejected_ids": [rng.randrange(3, vocab) for _ in range(completion_len)],
            }
        )
    return rows


def bench(shape: str, device: str, steps: int, per_device_batch: int, accumulation: int,
          prompt_len: int, completion_len: int, gradient_checkpointing: bool) -> dict[str, Any]:
    import torch
    from datasets import Dataset
    from transformers import AutoTokenizer, PhiConfig, PhiForCausalLM
    from trl import DPOConfig

    from .tiny import build_tiny_model
    from .train import PairCollator, _trainer_class

    bf16 = device == "cuda"
    dims = PHI_1_5 if shape == "phi-1_5" else TINY
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = AutoTokenizer.from_pretrained(build_tiny_model(tmp))  # only its pad token is used
        torch.manual_seed(0)
        model = PhiForCausalLM(PhiConfig(**dims)).to(torch.bfloat16 if bf16 else torch.float32)
        pairs = steps * per_device_batch * accumulation
        config = DPOConfig(
            output_dir=tmp,
            beta=0.05,
            loss_type=["sigmoid"],
            learning_rate=1e-6,
            lr_scheduler_type="constant_with_warmup",
            warmup_steps=0.1,
            max_steps=steps,
            per_device_train_batch_size=per_device_batch,
            gradient_accumulation_steps=accumulation,
            max_length=None,
            remove_unused_columns=False,
            bf16=bf16,
            use_cpu=device == "cpu",
            save_strategy="no",
            report_to=[],
            disable_tqdm=True,
            logging_steps=max(1, steps),
            **({"gradient_checkpointing": True} if gradient_checkpointing else {}),
        )
        rows = synthetic_rows(pairs, dims["vocab_size"], prompt_len, completion_len, 0)
        trainer = _trainer_class()(
            model=model,
            ref_model=copy.deepcopy(model).eval(),  # the frozen start, as in the recipe
            args=config,
            train_dataset=Dataset.from_list(rows),
            processing_class=tokenizer,
            data_collator=PairCollator(tokenizer.pad_token_id),
        )
        if device == "cuda":
            torch.cuda.synchronize()
        started = time.time()
        trainer.train()
        if device == "cuda":
            torch.cuda.synchronize()
        seconds = time.time() - started
        peak = torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else None
    return {
        "shape": shape,
        "device": torch.cuda.get_device_name() if device == "cuda" else "cpu",
        "dtype": "bfloat16" if bf16 else "float32",
        "pairs": pairs,
        "seconds": round(seconds, 2),
        "pairsPerSecond": round(pairs / seconds, 3),
        "promptTokens": prompt_len,
        "completionTokens": completion_len,
        "perDeviceBatch": per_device_batch,
        "accumulation": accumulation,
        "peakMemoryGiB": None if peak is None else round(peak, 1),
        "versions": {"torch": torch.__version__},
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m stepq_trl.bench_gpu", description=__doc__)
    p.add_argument("--shape", choices=["phi-1_5", "tiny"], default="phi-1_5")
    p.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    p.add_argument("--steps", type=int, default=5, help="optimiser steps timed (the first includes warm-up)")
    p.add_argument("--per-device-batch", type=int, default=4)
    p.add_argument("--accumulation", type=int, default=16, help="4 x 16 = the paper's effective batch 64")
    p.add_argument("--prompt-tokens", type=int, default=700)
    p.add_argument("--completion-tokens", type=int, default=40)
    p.add_argument("--gradient-checkpointing", action="store_true")
    a = p.parse_args(argv)
    print(json.dumps(bench(a.shape, a.device, a.steps, a.per_device_batch, a.accumulation,
                           a.prompt_tokens, a.completion_tokens, a.gradient_checkpointing)))


if __name__ == "__main__":
    main()
