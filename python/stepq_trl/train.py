"""Step-level DPO of an LLM Q-value model with TRL's DPOTrainer, on pairs stepq rendered.

TRL is given token ids, not text: the recipe tokenises each pair with the token rule it shares
with stepq's scorers (tokens.py), so TRL 1.16's own preparation (EOS appended to the
completions, its prefix search, `max_length` cuts) is bypassed and the sequences TRL trains
on are exactly the sequences stepq scores. The reference is the frozen starting model (full
fine-tune: a frozen copy TRL loads; LoRA: the base with the adapter disabled).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import RecipeError
from .manifest import FORMAT, versions, write_manifest
from .pairs import Pair, read_pairs
from .tokenizer_files import write_converter_token_info
from .tokens import TokenBoundaryError, TokenSettings, TooLongError, encode, settings_for

# The paper's hyper-parameters (docs/method.md#dpo-training, docs/method.md#hyper-parameters); other envs get HotPotQA's.
ENV_DEFAULTS: dict[str, dict[str, float]] = {
    "hotpotqa": {"beta": 0.05, "epochs": 1},
    "webshop": {"beta": 0.1, "epochs": 2},
}


@dataclass
class TrainOptions:
    base: str
    pairs: Path
    out: Path
    beta: float | None = None
    epochs: float | None = None
    learning_rate: float = 1e-6
    warmup_ratio: float = 0.1
    effective_batch: int = 64
    per_device_batch: int = 1
    max_length: int = 1024
    span: str = "sum"
    lora: bool = False
    lora_r: int = 16
    lora_alpha: int = 32
    dtype: str = "auto"  # auto | float32 | bfloat16 | float16
    gradient_checkpointing: bool = False
    max_steps: int = -1
    seed: int = 0
    stepq_version: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def emit(event: str, **data: Any) -> None:
    """One JSON progress line on stdout (stepq reads them); only the main process writes."""
    if int(os.environ.get("RANK", "0")) != 0:
        return
    sys.stdout.write(json.dumps({"event": event, **data}) + "\n")
    sys.stdout.flush()


def load_tokenizer(base: str) -> Any:
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(base)
    except (OSError, ValueError) as e:
        raise RecipeError(f"base model {base!r} not found or has no tokenizer ({_first_line(e)})") from None


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__


def tokenise_pairs(
    pairs: list[Pair], tokenizer: Any, settings: TokenSettings
) -> tuple[list[dict[str, list[int]]], list[str], int]:
    """Rows for TRL (per-side prompt ids: each side is cut to fit on its own, as stepq scores
    it), the skipped pairs' reasons, and how many sides had their prompt truncated."""
    rows: list[dict[str, list[int]]] = []
    skipped: list[str] = []
    truncated = 0
    for pair in pairs:
        try:
            chosen = encode(tokenizer, settings, pair.prompt, pair.chosen)
            rejected = encode(tokenizer, settings, pair.prompt, pair.rejected)
        except (TokenBoundaryError, TooLongError) as e:
            skipped.append(f"line {pair.line}: {e}")
            continue
        truncated += (chosen.truncated > 0) + (rejected.truncated > 0)
        rows.append(
            {
                "prompt_ids": chosen.prompt_ids,
                "chosen_ids": chosen.completion_ids,
                "rejected_prompt_ids": rejected.prompt_ids,
                "rejected_ids": rejected.completion_ids,
            }
        )
    return rows, skipped, truncated


class PairCollator:
    """Pads [chosen half, rejected half] on the right, with a completion mask, as TRL's
    DataCollatorForPreference does, but each side keeps its own (possibly cut) prompt."""

    def __init__(self, pad_token_id: int):
        self.pad_token_id = pad_token_id

    def __call__(self, examples: list[dict[str, list[int]]]) -> dict[str, Any]:
        import torch

        seqs: list[list[int]] = []
        masks: list[list[int]] = []
        for side, prompt_key in (("chosen_ids", "prompt_ids"), ("rejected_ids", "rejected_prompt_ids")):
            for ex in examples:
                seqs.append([*ex[prompt_key], *ex[side]])
                masks.append([0] * len(ex[prompt_key]) + [1] * len(ex[side]))
        width = max(len(s) for s in seqs)
        input_ids = torch.full((len(seqs), width), self.pad_token_id, dtype=torch.long)
        attention = torch.zeros((len(seqs), width), dtype=torch.long)
        completion = torch.zeros((len(seqs), width), dtype=torch.long)
        for i, (s, m) in enumerate(zip(seqs, masks)):
            input_ids[i, : len(s)] = torch.tensor(s)
            attention[i, : len(s)] = 1
            completion[i, : len(m)] = torch.tensor(m)
        return {"input_ids": input_ids, "attention_mask": attention, "completion_mask": completion}


def _trainer_class() -> Any:
    from trl import DPOTrainer

    class PreTokenisedDPOTrainer(DPOTrainer):  # type: ignore[misc]
        """TRL's trainer on rows that are already token ids: its text preparation is skipped."""

        def _prepare_dataset(self, dataset: Any, processing_class: Any, args: Any, dataset_name: str) -> Any:
            return dataset

    return PreTokenisedDPOTrainer


def _progress_callback(total_pairs: int) -> Any:
    from transformers import TrainerCallback

    class Progress(TrainerCallback):  # type: ignore[misc]
        def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
            if state.is_world_process_zero:
                emit("step", step=state.global_step, maxSteps=state.max_steps)

        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kw: Any) -> None:
            if state.is_world_process_zero and logs:
                keep = {k: v for k, v in logs.items() if isinstance(v, (int, float))}
                emit("log", step=state.global_step, maxSteps=state.max_steps, **keep)

    return Progress()


def _dtype(name: str) -> Any:
    import torch

    if name == "auto":
        return torch.bfloat16 if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else torch.float32
    return {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[name]


def _local_base(base: str) -> str:
    """An existing local folder as an absolute path (the manifest outlives the cwd); else the hub id."""
    return str(Path(base).resolve()) if Path(base).is_dir() else base


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def train(opts: TrainOptions) -> dict[str, Any]:
    import torch
    from datasets import Dataset
    from transformers import AutoModelForCausalLM
    from trl import DPOConfig

    started = time.time()
    pairs = read_pairs(opts.pairs)
    env = pairs[0].env
    defaults = ENV_DEFAULTS.get(env, ENV_DEFAULTS["hotpotqa"])
    beta = opts.beta if opts.beta is not None else defaults["beta"]
    epochs = opts.epochs if opts.epochs is not None else defaults["epochs"]
    per_step = opts.per_device_batch * world_size()
    if opts.effective_batch % per_step != 0:
        raise RecipeError(
            f"--effective-batch {opts.effective_batch} is not a multiple of per-device batch x processes = {per_step}"
        )
    accumulation = opts.effective_batch // per_step
    if opts.span not in ("sum", "mean"):
        raise RecipeError(f"--span must be sum or mean, got {opts.span!r}")
    if opts.span == "mean":
        raise RecipeError("--span mean is a scoring option only: DPO trains the summed log-ratio")

    tokenizer = load_tokenizer(opts.base)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.unk_token or tokenizer.eos_token
    settings = settings_for(tokenizer, opts.max_length)
    rows, skipped, truncated_sides = tokenise_pairs(pairs, tokenizer, settings)
    for reason in skipped:
        emit("skipped", reason=f"{opts.pairs}: {reason}")
    if not rows:
        raise RecipeError(f"{opts.pairs}: every pair was skipped ({skipped[0]})")
    emit("tokenised", pairs=len(rows), skipped=len(skipped), truncatedSides=truncated_sides)

    dtype = _dtype(opts.dtype)
    try:
        model = AutoModelForCausalLM.from_pretrained(opts.base, dtype=dtype)
    except (OSError, ValueError) as e:
        raise RecipeError(f"base model {opts.base!r} could not be loaded ({_first_line(e)})") from None

    peft_config = None
    if opts.lora:
        from peft import LoraConfig

        peft_config = LoraConfig(
            r=opts.lora_r,
            lora_alpha=opts.lora_alpha,
            lora_dropout=0.0,
            target_modules="all-linear",
            task_type="CAUSAL_LM",
        )

    opts.out.mkdir(parents=True, exist_ok=True)
    config = DPOConfig(
        output_dir=str(opts.out / "checkpoints"),
        beta=beta,
        loss_type=["sigmoid"],
        learning_rate=opts.learning_rate,
        lr_scheduler_type="constant_with_warmup",
        warmup_steps=opts.warmup_ratio,  # transformers 5: a float in [0, 1) is a ratio of the steps
        num_train_epochs=epochs,
        max_steps=opts.max_steps,
        per_device_train_batch_size=opts.per_device_batch,
        gradient_accumulation_steps=accumulation,
        max_length=None,  # the rows are already cut by the shared token rule
        remove_unused_columns=False,  # keep rejected_prompt_ids for the collator
        bf16=dtype == torch.bfloat16,
        fp16=dtype == torch.float16,
        logging_steps=1,
        save_strategy="no",
        report_to=[],
        seed=opts.seed,
        disable_tqdm=True,
        **({"gradient_checkpointing": True} if opts.gradient_checkpointing else {}),
        **opts.extra,
    )
    trainer = _trainer_class()(
        model=model,
        ref_model=None,
        args=config,
        train_dataset=Dataset.from_list(rows),
        processing_class=tokenizer,
        data_collator=PairCollator(tokenizer.pad_token_id),
        peft_config=peft_config,
        callbacks=[_progress_callback(len(rows))],
    )
    from transformers.trainer_callback import PrinterCallback

    trainer.remove_callback(PrinterCallback)  # its Python-dict log lines would mix with the JSON events
    try:
        trainer.train()
    except torch.cuda.OutOfMemoryError:
        raise RecipeError(
            "out of memory while training: lower --per-device-batch, add --gradient-checkpointing or use --lora"
        ) from None
    except RuntimeError as e:
        if "out of memory" in str(e).lower():
            raise RecipeError(f"out of memory while training ({_first_line(e)})") from None
        raise

    base_entry = _local_base(opts.base)
    if opts.lora:
        trainer.save_model(str(opts.out / "adapter"))
        policy = {"hf": base_entry, "gguf": None}
        lora = {"hf": "adapter", "gguf": None, "r": opts.lora_r, "alpha": opts.lora_alpha}
    else:
        trainer.save_model(str(opts.out / "policy"))
        policy = {"hf": "policy", "gguf": None}
        lora = None
    if trainer.accelerator.is_main_process:
        if not opts.lora:
            tokenizer.save_pretrained(str(opts.out / "policy"))
            write_converter_token_info(opts.out / "policy", tokenizer, opts.base)
        shutil.rmtree(opts.out / "checkpoints", ignore_errors=True)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "env": env,
        "base": opts.base,
        "template": pairs[0].template,
        "beta": beta,
        "span": opts.span,
        "truncation": {"maxLength": opts.max_length, "side": "left"},
        "tokens": {
            "addBos": settings.add_bos,
            "bosId": settings.bos_id,
            "appendEos": settings.append_eos,
            "eosId": settings.eos_id,
        },
        "policy": policy,
        "reference": {"hf": base_entry, "gguf": None},
        "lora": lora,
        "training": {
            "epochs": epochs,
            "learningRate": opts.learning_rate,
            "effectiveBatch": opts.effective_batch,
            "lossType": "sigmoid",
            "warmupRatio": opts.warmup_ratio,
            "pairs": len(rows),
            "skippedPairs": len(skipped),
            "seed": opts.seed,
            "steps": trainer.state.global_step,
            "truncatedSides": truncated_sides,
            "seconds": round(time.time() - started, 1),
        },
        "versions": versions(opts.stepq_version, opts.lora),
    }
    if trainer.accelerator.is_main_process:
        write_manifest(opts.out, manifest)
        emit("done", out=str(opts.out), **{k: manifest["training"][k] for k in ("pairs", "skippedPairs", "steps")})
    return manifest


def options_dict(opts: TrainOptions) -> dict[str, Any]:
    d = asdict(opts)
    d["pairs"], d["out"] = str(opts.pairs), str(opts.out)
    return d


__all__ = ["TrainOptions", "train", "tokenise_pairs", "PairCollator", "ENV_DEFAULTS"]
