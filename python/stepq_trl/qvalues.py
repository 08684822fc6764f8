"""Q(s, a) = beta * sum over the completion span of (log pi_policy - log pi_ref), computed with
transformers on a trained folder: the reference the engines test holds stepq's scorers to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .manifest import read_manifest, resolve
from .pairs import read_pairs
from .tokens import TokenSettings, encode


def load_models(out: Path) -> tuple[Any, Any, Any, dict[str, Any]]:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    manifest = read_manifest(out)
    reference_path = resolve(out, manifest["reference"]["hf"])
    reference = AutoModelForCausalLM.from_pretrained(reference_path, dtype=torch.float32).eval()
    if manifest.get("lora"):
        from peft import PeftModel

        base = AutoModelForCausalLM.from_pretrained(reference_path, dtype=torch.float32)
        policy = PeftModel.from_pretrained(base, resolve(out, manifest["lora"]["hf"])).eval()
    else:
        policy_path = resolve(out, manifest["policy"]["hf"])
        policy = AutoModelForCausalLM.from_pretrained(policy_path, dtype=torch.float32).eval()
    tokenizer = AutoTokenizer.from_pretrained(reference_path)
    return policy, reference, tokenizer, manifest


def _span_logprob(model: Any, prompt_ids: list[int], completion_ids: list[int], mean: bool) -> float:
    import torch

    seq = torch.tensor([[*prompt_ids, *completion_ids]])
    with torch.no_grad():
        logits = model(seq).logits[0].to(torch.float32)
    logp = torch.log_softmax(logits[:-1], dim=-1)
    targets = seq[0, 1:]
    per_token = logp.gather(1, targets.unsqueeze(1)).squeeze(1)[len(prompt_ids) - 1 :]
    return float(per_token.mean() if mean else per_token.sum())


def q_values(out: str | Path, pairs_file: str | Path) -> list[dict[str, Any]]:
    out = Path(out)
    policy, reference, tokenizer, manifest = load_models(out)
    t = manifest["tokens"]
    settings = TokenSettings(
        add_bos=t["addBos"],
        bos_id=t["bosId"],
        append_eos=t["appendEos"],
        eos_id=t["eosId"],
        max_length=manifest["truncation"]["maxLength"],
    )
    mean = manifest.get("span", "sum") == "mean"
    beta = float(manifest["beta"])
    rows = []
    for pair in read_pairs(pairs_file):
        row: dict[str, Any] = {"line": pair.line}
        for side in ("chosen", "rejected"):
            enc = encode(tokenizer, settings, pair.prompt, getattr(pair, side))
            lp = _span_logprob(policy, enc.prompt_ids, enc.completion_ids, mean)
            lr = _span_logprob(reference, enc.prompt_ids, enc.completion_ids, mean)
            row[side] = {
                "q": beta * (lp - lr),
                "promptTokens": len(enc.prompt_ids),
                "completionTokens": len(enc.completion_ids),
                "truncated": enc.truncated,
            }
        rows.append(row)
    return rows
