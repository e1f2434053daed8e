"""Prompt embeddings: the encoder and streaming of what has no vector (embed), the precision for this CPU (precision)."""
