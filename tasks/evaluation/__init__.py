"""Evaluation of the operators and the baselines: data and splits (data), metrics (metrics, costs), the split
evaluation `taskspace evaluate` stores (evaluate), baselines, and the held-out routing evaluation publish stores."""
