"""all-MiniLM-L6-v2 in numpy: query vectors for `taskspace select` without importing torch (cold start)."""
from __future__ import annotations

import numpy as np


class QueryEncoder:
    """A sentence-transformers BERT encoder with mean pooling and normalisation (all-MiniLM-L6-v2's layout) run in
    numpy, so that `select` starts without importing torch and sentence-transformers; vectors match tasks.embedding.embed."""
    MAX_TEXTS = 32  # above this, torch through tasks.embedding.embed is faster despite its import

    @staticmethod
    def supports(path: str) -> bool:
        """Whether PATH is a BERT + mean pooling + Normalize sentence-transformers folder with safetensors."""
        import json
        from pathlib import Path
        p = Path(path)
        try:
            mods = [m["type"].rsplit(".", 1)[-1] for m in json.loads((p / "modules.json").read_text())]
            pool = json.loads((p / "1_Pooling" / "config.json").read_text())
            arch = json.loads((p / "config.json").read_text())
        except (OSError, ValueError, KeyError):
            return False
        return (mods == ["Transformer", "Pooling", "Normalize"] and pool.get("pooling_mode_mean_tokens") is True
                and arch.get("model_type") == "bert" and arch.get("hidden_act") == "gelu"
                and (p / "model.safetensors").exists() and (p / "tokenizer.json").exists())

    def __init__(self, path: str):
        import json
        from pathlib import Path

        from safetensors.numpy import load_file
        from tokenizers import Tokenizer
        p = Path(path)
        self.cfg = json.loads((p / "config.json").read_text())
        max_len = json.loads((p / "sentence_bert_config.json").read_text()).get("max_seq_length", 256)
        self.tok = Tokenizer.from_file(str(p / "tokenizer.json"))
        self.tok.enable_truncation(max_len)
        self.tok.enable_padding(pad_id=self.cfg.get("pad_token_id", 0))
        weights = load_file(str(p / "model.safetensors"))
        self.w = {k.removeprefix("bert."): v.astype(np.float32) for k, v in weights.items()}

    def _ln(self, x: np.ndarray, name: str) -> np.ndarray:
        mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + self.cfg["layer_norm_eps"]) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Mean-pooled, unit-norm vectors of one padded batch."""
        from scipy.special import erf
        w, h = self.w, self.cfg["num_attention_heads"]
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:ids.shape[1]] \
            + w["embeddings.token_type_embeddings.weight"][0]
        x = self._ln(x, "embeddings.LayerNorm")
        b, n, d = x.shape
        bias = np.where(mask[:, None, None, :] > 0, 0.0, np.finfo(np.float32).min).astype(np.float32)
        for i in range(self.cfg["num_hidden_layers"]):
            pre = f"encoder.layer.{i}."
            q, k, v = (self._dense(x, pre + f"attention.self.{t}").reshape(b, n, h, d // h).transpose(0, 2, 1, 3)
                       for t in ("query", "key", "value"))
            a = q @ k.transpose(0, 1, 3, 2) / np.sqrt(d // h) + bias
            a = np.exp(a - a.max(-1, keepdims=True))
            ctx = ((a / a.sum(-1, keepdims=True)) @ v).transpose(0, 2, 1, 3).reshape(b, n, d)
            x = self._ln(self._dense(ctx, pre + "attention.output.dense") + x, pre + "attention.output.LayerNorm")
            f = self._dense(x, pre + "intermediate.dense")
            f = 0.5 * f * (1.0 + erf(f / np.sqrt(2.0)))
            x = self._ln(self._dense(f, pre + "output.dense") + x, pre + "output.LayerNorm")
        m = mask[:, :, None].astype(np.float32)
        e = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        return e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Unit-norm float32 vectors (len(texts) x dim), batches of similar length, on one BLAS thread (for a few
        texts; many texts are faster through tasks.embedding.embed)."""
        from threadpoolctl import threadpool_limits

        out = np.zeros((len(texts), self.cfg["hidden_size"]), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with threadpool_limits(1):
            for s in range(0, len(order), batch_size):
                idx = order[s:s + batch_size]
                enc = self.tok.encode_batch([texts[i] for i in idx])
                out[idx] = self._forward(np.array([e.ids for e in enc]), np.array([e.attention_mask for e in enc]))
        return out
