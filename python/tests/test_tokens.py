"""The token rule shared with stepq's scorers: BOS, one joint tokenisation, left truncation
of the prompt, the completion never cut."""

from __future__ import annotations

import pytest

from stepq_trl.tokens import TokenBoundaryError, TokenSettings, TooLongError, encode, ids, settings_for

from .conftest import PROMPT


def test_settings_follow_the_tokenizer(tiny_tokenizer: object) -> None:
    s = settings_for(tiny_tokenizer, 64)
    assert s.add_bos and s.bos_id == tiny_tokenizer.bos_token_id  # type: ignore[attr-defined]
    assert not s.append_eos


def test_span_is_the_joint_tokenisation_tail(tiny_tokenizer: object) -> None:
    s = settings_for(tiny_tokenizer, 1000)
    prompt, completion = PROMPT.format(i=3), "Thought: ü 東京\nAction: Finish[x]<|end|>"
    enc = encode(tiny_tokenizer, s, prompt, completion)  # type: ignore[arg-type]
    assert enc.prompt_ids[0] == s.bos_id and enc.truncated == 0
    assert enc.prompt_ids[1:] == ids(tiny_tokenizer, prompt)  # type: ignore[arg-type]
    assert [*enc.prompt_ids[1:], *enc.completion_ids] == ids(tiny_tokenizer, prompt + completion)  # type: ignore[arg-type]
    assert tiny_tokenizer.decode(enc.completion_ids) == completion  # type: ignore[attr-defined]


def test_left_truncation_keeps_bos_and_the_whole_completion(tiny_tokenizer: object) -> None:
    full = settings_for(tiny_tokenizer, 10_000)
    prompt, completion = "Observation: " + "long text é " * 40, "Action: Finish[y]<|end|>"
    whole = encode(tiny_tokenizer, full, prompt, completion)  # type: ignore[arg-type]
    limit = len(whole.completion_ids) + 5
    cut = encode(tiny_tokenizer, TokenSettings(**{**full.__dict__, "max_length": limit}), prompt, completion)  # type: ignore[arg-type]
    assert len(cut.prompt_ids) + len(cut.completion_ids) == limit
    assert cut.prompt_ids[0] == full.bos_id
    assert cut.prompt_ids[1:] == whole.prompt_ids[-4:]
    assert cut.completion_ids == whole.completion_ids
    assert cut.truncated == len(whole.prompt_ids) - 5


def test_completion_that_cannot_fit_is_refused(tiny_tokenizer: object) -> None:
    s = settings_for(tiny_tokenizer, 4)
    with pytest.raises(TooLongError):
        encode(tiny_tokenizer, s, "Question: x", "Thought: a long completion here<|end|>")  # type: ignore[arg-type]


def test_tokens_merging_across_the_boundary_are_refused(tiny_tokenizer: object) -> None:
    s = settings_for(tiny_tokenizer, 100)
    with pytest.raises(TokenBoundaryError):
        encode(tiny_tokenizer, s, "<|user|>\nThou", "ght: x<|end|>")  # type: ignore[arg-type]


def test_append_eos(tiny_tokenizer: object) -> None:
    s = settings_for(tiny_tokenizer, 100, append_eos=True)
    enc = encode(tiny_tokenizer, s, "Question: x", "Action: y<|end|>")  # type: ignore[arg-type]
    assert enc.completion_ids[-1] == tiny_tokenizer.eos_token_id  # type: ignore[attr-defined]
