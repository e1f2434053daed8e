"""The pipeline's configuration (taskspace.toml): sources to ingest and settings, validated."""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

RESULTS_FORMATS = ("mmlu-pro", "lm-eval", "open-llm-leaderboard-details", "routerbench", "long", "score-matrix")
REMOTE_SCHEMES = ("http://", "https://", "hub://")   # locations that are not paths
RELEASES_FORMATS = ("hub-api", "open-llm-leaderboard")


class SourceConfig(BaseModel):
    """One feed: a results or releases format and a path or http(s) URL."""
    model_config = ConfigDict(extra="forbid")
    name: str
    kind: Literal["results", "releases"]
    format: str
    location: str
    since: str | None = None          # releases only: ignore models created before this date

    @model_validator(mode="after")
    def _format_fits_kind(self):
        known = RESULTS_FORMATS if self.kind == "results" else RELEASES_FORMATS
        if self.format not in known:
            raise ValueError(f"source {self.name!r}: format {self.format!r} is not a {self.kind} format "
                             f"({', '.join(known)})")
        return self

    @property
    def is_url(self) -> bool:
        return self.location.startswith(REMOTE_SCHEMES)


class OperatorSettings(BaseModel):
    """Encoder (what is embedded, at which precision) and the closed-form operator's hyper-parameters."""
    model_config = ConfigDict(extra="forbid")
    encoder: str = "all-MiniLM-L6-v2"
    encoder_path: str | None = None
    fields: Literal["text", "text+options"] = "text"
    precision: Literal["auto", "bf16", "fp32"] = "auto"   # auto: fp32 without native bf16, else the faster by a probe
    lam: float = Field(1.0, gt=0)
    eps: float = Field(0.1, ge=0)

    @property
    def encoder_key(self) -> str:
        """The encoder's name in the warehouse ('+options' appended when the options are embedded too)."""
        return self.encoder + ("+options" if self.fields == "text+options" and not self.encoder.endswith("+options")
                               else "")


class IngestSettings(BaseModel):
    """How results are read: the score from which a graded score (routerbench, score-matrix) counts as correct."""
    model_config = ConfigDict(extra="forbid")
    correct_threshold: float = Field(0.5, gt=0, le=1)   # correct = score >= this (tasks/sources/labels.py)


class PipelineConfig(BaseModel):
    """Everything `taskspace run` needs."""
    model_config = ConfigDict(extra="forbid")
    db: str = "taskspace.duckdb"
    out: str = "out/selection"
    operators: OperatorSettings = OperatorSettings()
    ingest: IngestSettings = IngestSettings()
    evaluate_split: Literal["id", "id-cv", "loo-category", "new-models"] = "id"
    sources: list[SourceConfig] = []

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, v: list[SourceConfig]):
        names = [s.name for s in v]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"source names must be unique; repeated: {', '.join(dup)}")
        return v


DEFAULT_SOURCES = [
    SourceConfig(name="mmlu-pro", kind="results", format="mmlu-pro",
                 location="https://github.com/TIGER-AI-Lab/MMLU-Pro/tree/main/eval_results"),
    SourceConfig(name="hub-text-generation", kind="releases", format="hub-api", location="https://huggingface.co"),
]


def load_config(path: str | Path | None) -> PipelineConfig:
    """The config at PATH (relative paths resolved against its folder), or the public-feed default."""
    if path is None:
        return PipelineConfig(sources=DEFAULT_SOURCES)
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise FileNotFoundError(f"config {path} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"config {path}: not valid TOML ({exc})") from None
    cfg = PipelineConfig.model_validate(raw)
    base = path.resolve().parent

    def resolve(p: str) -> str:
        return p if p.startswith(REMOTE_SCHEMES) or p == ":memory:" or Path(p).is_absolute() \
            else str((base / p).resolve())
    cfg.db, cfg.out = resolve(cfg.db), resolve(cfg.out)
    if cfg.operators.encoder_path:
        cfg.operators.encoder_path = resolve(cfg.operators.encoder_path)
    for s in cfg.sources:
        s.location = resolve(s.location)
    return cfg
