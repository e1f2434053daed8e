"""What `taskspace select` prints: the pick first (with its probability, interval, pool and why it is sure or not),
then the ranked models under a header in words users know."""
from __future__ import annotations

from flows.cli_app import cell

CROSS_POOL = ("note: probabilities from different pools are calibrated on different benchmarks; compare models "
              "within one pool")
TASK_LEGEND = ("accuracy: predicted accuracy on the task's prompts (mean P(correct)); observed: share correct in "
               "the warehouse on the same prompts (the operators' training data, so close by construction; the "
               "report's held-out numbers are the honest check); cost: mean USD per prompt (- = unknown)")
LEGEND = ("P(correct): calibrated probability that the model answers this prompt correctly; evidence: effective "
          "number of training prompts like this one behind the prediction; cost: expected USD for this prompt "
          "(- = unknown)")


def _placed(b: dict) -> str:
    """Which pool and why, in a few words."""
    why = b.get("placed_by") or {}
    cos = why.get("cosine")
    if why.get("rule") == "--benchmark":
        return f"pool {b['pool']} (--benchmark)"
    if cos:
        others = ", ".join(f"{p} {c:.2f}" for p, c in sorted(cos.items(), key=lambda kv: -kv[1]) if p != b["pool"])
        return f"pool {b['pool']} (nearest prompt centroid, cosine {cos.get(b['pool'], 0):.2f}" + \
            (f"; {others}" if others else "") + ")"
    return f"pool {b['pool']}"


def pick_lines(b: dict) -> list[str]:
    """The pick of one prompt and why it is sure or not."""
    a = b.get("assessment") or {}
    m = a.get("measured")
    iv = (f" (held-out prompts given {m['lo']:.1f}-{m['hi']:.1f}: {m['observed']:.0%} right, 95 % "
          f"{m['interval'][0]:.0%}-{m['interval'][1]:.0%})") if m else " (not measured on held-out prompts yet)"
    lines = [f"pick: {b['routed_model']}  P(correct) {b['routed_p_correct']:.2f}{iv}, {_placed(b)}"]
    if a.get("off_domain"):
        lines.append(f"warning: this prompt is unlike the prompts of pool {b['pool']}"
                     + ("" if a.get("inside") else " and of every other pool")
                     + "; treat the ranking as a guess")
    lines.append(("sure: " if a.get("sure") else "not sure: ") + "; ".join(a.get("reasons") or []))
    g = b.get("gate") or {}
    if g.get("gated"):
        lines.append(f"router: the pool's best single model is {g['best_single']}; another is picked only when "
                     f"its P(correct) is higher by more than {g['margin']:.2f}")
    cheap = b.get("cheapest_within_margin")
    if cheap:
        lines.append(f"cheapest within {cheap['margin']:.0%} of the best: {cheap['model_id']} "
                     f"(P {cheap.get('p_correct', cheap.get('predicted_accuracy')):.2f}, "
                     f"{cell(cheap.get('expected_cost_usd', cheap.get('mean_cost_usd')), '.2e')} USD)")
    return lines


def _cold(r: dict) -> str:
    """'  cold start: N evaluations, benchmark est A [LO, HI][, leaderboard prior S]' for a cold-start model, else
    ''."""
    if not r.get("coldstart"):
        return ""
    e = r.get("estimated_accuracy")
    return f"  cold start: {r['n_evaluations']} evaluations" + (
        f", benchmark est {e['estimate']:.3f} [{e['lo']:.3f}, {e['hi']:.3f}]" if e else "") + (
        f", leaderboard prior {e['prior_score']:.3f}" if e and e.get("prior_score") is not None else "")


def table_lines(rows: list[dict]) -> list[str]:
    """The ranked models under a header."""
    task = rows and "predicted_accuracy" in rows[0]
    head = "accuracy" if task else "P(correct)"
    lines = [f"{'rank':>4}  {'model':36} {head:>10} {'observed' if task else 'evidence':>9} {'cost (USD)':>10}"
             + ("  pool" if len({r.get('pool') for r in rows}) > 1 else "")]
    multi = len({r.get("pool") for r in rows}) > 1
    for r in rows:
        acc = r.get("p_correct", r.get("predicted_accuracy"))
        mid = cell(r.get("observed_accuracy"), ".3f") if task else cell(r.get("evidence"), ".0f")
        cost = r.get("expected_cost_usd", r.get("mean_cost_usd"))
        lines.append(f"{r['rank']:>4}  {r['model_id']:36} {acc:>10.3f} {mid:>9} {cell(cost, '.2e'):>10}"
                     + (f"  {r.get('pool')}" if multi else "") + _cold(r))
    return lines


def select_text(out: dict) -> str:
    """The whole answer: per prompt the pick, the reasons and the table; then the legend."""
    blocks = out["prompts"] if "prompts" in out else [out]
    lines = [f"task: {out['task']}"] if "task" in out else []
    for b in blocks:
        if "prompt" in b and "prompts" in out:
            lines.append(f"prompt: {b['prompt'][:100]}")
        if b.get("routed_model"):
            lines += pick_lines(b)
        elif b["models"]:
            top = b["models"][0]
            obs = top.get("observed_accuracy")
            lines.append(f"pick: {top['model_id']}  predicted accuracy {top['predicted_accuracy']:.3f}"
                         + (f", observed {obs:.3f} on its prompts" if obs is not None else "")
                         + f", pool {b.get('pool')}")
            c = b.get("cheapest_within_margin")
            if c:
                lines.append(f"cheapest within {c['margin']:.0%} of the best: {c['model_id']} "
                             f"({c['predicted_accuracy']:.3f}, {cell(c.get('mean_cost_usd', c.get('expected_cost_usd')), '.2e')} USD)")
        ex = b.get("excluded") or {}
        if ex.get("over_max_cost") or ex.get("unknown_cost"):
            lines.append(f"--max-cost left out {ex.get('over_max_cost', 0)} model(s) that cost more and "
                         f"{ex.get('unknown_cost', 0)} of unknown cost")
        lines += table_lines(b["models"])
        if len({r.get("pool") for r in b["models"]}) > 1:
            lines.append(CROSS_POOL)
    lines.append(TASK_LEGEND if "task" in out and "n_examples" not in out else LEGEND)
    lines.append(f"{out['encoder']}/{out['method']}, {out['seconds']['total']:.2f} s")
    return "\n".join(lines)
