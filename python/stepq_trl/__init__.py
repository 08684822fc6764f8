"""stepq's training side for LLM Q-value models: step-level DPO on TRL, GGUF conversion."""

__version__ = "0.1.0"
