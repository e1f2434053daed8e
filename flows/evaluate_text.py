"""The table `taskspace evaluate` prints: one block per benchmark, every metric named, the best single model by
name and each method's routing gain over it with its interval."""
from __future__ import annotations

import math

from flows.cli_app import cell

COLUMNS = (("success", "success_accuracy", ".4f"), ("AUC", "auc", ".4f"), ("ECE", "ece", ".4f"),
           ("routing", "routing_accuracy", ".4f"))
COST_COLUMNS = (("AIQ", "aiq", ".4f"), ("APGR", "apgr", ".3f"))
LEGEND = ("success: share of held-out (prompt, model) results whose correct/wrong the method predicts right; "
          "AUC: how well its scores rank right above wrong answers (0.5 = chance); ECE: expected calibration "
          "error of its probabilities (0 = calibrated); routing: accuracy on held-out prompts when each prompt "
          "goes to the model the method picks; gain: routing minus the best single model, in points, with its "
          "95 % interval over the folds; AIQ / APGR (pools with costs): area under the accuracy-cost curve / "
          "share of the gap between the cheapest and the best model recovered.")


def _gain(g) -> str:
    """'+0.90 pts (+0.41 to +1.39)', points of accuracy with the interval over the folds."""
    if not g or g[0] is None or math.isnan(g[0]):
        return "-"
    mean, lo, hi = (100 * x for x in g)
    return f"{mean:+.2f} pts" + ("" if lo == hi else f" ({lo:+.2f} to {hi:+.2f})")


def block(out: dict) -> list[str]:
    """The lines of one benchmark's evaluation."""
    folds = len(out["folds"])
    bs = out.get("intervals", {}).get("best_single_accuracy") or [None, None]
    bs_iv = "" if folds < 2 or bs[0] is None else f" (95 % {bs[0]:.4f}-{bs[1]:.4f})"
    has_cost = any(v.get("aiq") is not None for v in out["methods"].values())
    cols = COLUMNS + (COST_COLUMNS if has_cost else ())
    lines = [f"{out['benchmark']}: {out['split']} split, {folds} fold(s), {out['n_prompts']:,} prompts, "
             f"{out['n_models']} models, seed {out['seed']}",
             f"  best single model: {out.get('best_single_model', '?')}, routing accuracy "
             f"{out['best_single_accuracy']:.4f}{bs_iv}; oracle (best model per prompt) {out['oracle_accuracy']:.4f}",
             "  " + f"{'method':22}" + "".join(f"{h:>9}" for h, _, _ in cols) + "  gain over best single"]
    for name, m in out["methods"].items():
        label = f"{name} (served)" if name == out.get("default_method") else name
        lines.append("  " + f"{label:22}" + "".join(f"{cell(m.get(k), f):>9}" for _, k, f in cols)
                     + "  " + _gain(out.get("routing_gains", {}).get(name)))
    lines.append(f"  stored as evaluation run {out['run_id']} (table evaluations, run_id = {out['run_id']})")
    return lines


def evaluation_text(outs: list[dict]) -> str:
    """Every benchmark's block, then the legend."""
    lines: list[str] = []
    for out in outs:
        lines += block(out) + [""]
    return "\n".join(lines + [LEGEND])
