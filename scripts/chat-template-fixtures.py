"""Renders test/fixtures/chat-templates/cases.json with real chat templates through
transformers' own renderer (render_jinja_template: trim_blocks + lstrip_blocks, as
apply_chat_template does) and writes rendered.json beside it, which
src/qmodel/chat-templates.test.ts compares stepq's renderer against.

The templates are not shipped with stepq: pass each model's tokenizer_config.json (its
`chat_template` field) or a .jinja file, e.g. from the Hugging Face hub:
  python scripts/chat-template-fixtures.py \
    --template chatml=Qwen2.5-7B-Instruct/tokenizer_config.json \
    --template llama3=Llama-3.1-8B-Instruct/tokenizer_config.json

Besides the model templates it renders the Phi-3-style template that docs/trl.md used to
give TRL (`phi3-old-doc`), to record problem 1 of issue #10: under trim_blocks the newline
after `<|end|>` disappears, so that text never matched what the scorer renders.
"""

import argparse
import json
import sys
from pathlib import Path

from transformers.utils.chat_template_utils import render_jinja_template

HERE = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "chat-templates"

OLD_DOC_PHI3 = (
    "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}<|end|>"
    "{% if not loop.last or m['role'] != 'assistant' %}\n{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)
BOS = {"llama3": "<|begin_of_text|>"}


def load_template(path: str) -> str:
    text = Path(path).read_text(encoding="utf-8")
    if path.endswith(".json"):
        template = json.loads(text)["chat_template"]
        if isinstance(template, list):  # [{"name": "default", "template": ...}, ...]
            template = next(t["template"] for t in template if t["name"] == "default")
        return template
    return text


def render(template: str, messages: list, generation: bool, bos: str) -> str:
    return render_jinja_template(
        [messages], chat_template=template, add_generation_prompt=generation, bos_token=bos
    )[0][0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", action="append", default=[], metavar="NAME=PATH")
    args = parser.parse_args()
    templates = {"phi3-old-doc": (OLD_DOC_PHI3, "old docs/trl.md Phi-3 template")}
    for item in args.template:
        name, _, path = item.partition("=")
        templates[name] = (load_template(path), Path(path).name)
    cases = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))
    out = {}
    for name, (template, source) in templates.items():
        bos = BOS.get(name, "")
        out[name] = {
            "source": source,
            "bosToken": bos,
            "cases": [
                {
                    "name": case["name"],
                    "prompt": render(template, case["messages"], True, bos),
                    "full": render(
                        template,
                        case["messages"] + [{"role": "assistant", "content": case["reply"]}],
                        False,
                        bos,
                    ),
                }
                for case in cases
            ],
        }
    (HERE / "rendered.json").write_text(
        json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"wrote {HERE / 'rendered.json'}: {', '.join(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
