"""The token rule shared with stepq's scorers (docs/llm-qmodel-contract.md section 2):
prompt ids P = [BOS]? + ids(prompt); completion span C = ids(prompt + completion)[len(ids(prompt)):]
from one joint tokenisation, refused when the prompt's ids are not a prefix of the joint ids;
too long: BOS kept, prompt cut from the left, the completion never cut."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Tokenizer(Protocol):
    def __call__(self, text: str, add_special_tokens: bool = ...) -> object: ...


@dataclass(frozen=True)
class TokenSettings:
    add_bos: bool
    bos_id: int | None
    append_eos: bool
    eos_id: int | None
    max_length: int


@dataclass(frozen=True)
class Encoded:
    prompt_ids: list[int]
    completion_ids: list[int]
    truncated: int  # prompt tokens dropped from the left


class TokenBoundaryError(ValueError):
    """The prompt's tokens merge with the completion's: the span would not be the completion."""


class TooLongError(ValueError):
    """The completion does not fit in max_length with at least one prompt token."""


def ids(tokenizer: Tokenizer, text: str) -> list[int]:
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])  # type: ignore[index]


def settings_for(tokenizer: object, max_length: int, append_eos: bool = False) -> TokenSettings:
    """BOS as the tokenizer itself adds it (Llama: yes, Phi-1.5/GPT-2: no)."""
    bos_id = getattr(tokenizer, "bos_token_id", None)
    with_special = list(tokenizer("a", add_special_tokens=True)["input_ids"])  # type: ignore[operator,index]
    without = list(tokenizer("a", add_special_tokens=False)["input_ids"])  # type: ignore[operator,index]
    add_bos = bos_id is not None and len(with_special) > len(without) and with_special[0] == bos_id
    eos_id = getattr(tokenizer, "eos_token_id", None)
    if append_eos and eos_id is None:
        raise ValueError("append_eos needs a tokenizer with an EOS token")
    return TokenSettings(
        add_bos=add_bos,
        bos_id=bos_id if add_bos else None,
        append_eos=append_eos,
        eos_id=eos_id,
        max_length=max_length,
    )


def encode(tokenizer: Tokenizer, s: TokenSettings, prompt: str, completion: str) -> Encoded:
    p = ids(tokenizer, prompt)
    full = ids(tokenizer, prompt + completion)
    if full[: len(p)] != p:
        raise TokenBoundaryError("the prompt's last tokens merge with the completion's first")
    c = full[len(p) :]
    if not c:
        raise TokenBoundaryError("the completion has no tokens")
    if s.append_eos:
        assert s.eos_id is not None
        c = [*c, s.eos_id]
    bos = [s.bos_id] if s.add_bos and s.bos_id is not None else []
    room = s.max_length - len(bos) - len(c)
    if room < 1:
        raise TooLongError(f"the completion has {len(c)} tokens, max length is {s.max_length}")
    dropped = max(0, len(p) - room)
    return Encoded(prompt_ids=[*bos, *p[dropped:]], completion_ids=c, truncated=dropped)
