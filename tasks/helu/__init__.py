"""HeLU activation and its training benchmarks (workloads, runner, Prefect task wrappers)."""
from tasks.helu.activation import HeLU, HeLUFunction, helu

__all__ = ["HeLU", "HeLUFunction", "helu"]
