"""Entry point: `python -m stepq_trl ...` (also under `accelerate launch -m stepq_trl train ...`)."""

import sys

from .cli import main

sys.exit(main())
