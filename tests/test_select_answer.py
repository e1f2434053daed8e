"""What `taskspace select` says on the small real warehouse: the pick on the first line with its pool and a held-out
interval, why it is sure or not, the off-domain warning, the cross-pool note and a header in words users know."""
from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from flows.cli import app
from selection_warehouse import invoke
from tasks.selection.answer import measured, wilson

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]
CALCULUS = "Compute the derivative of x^3 sin(x) with respect to x and simplify the result."


def text(*args: str) -> list[str]:
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, res.output
    return res.output.splitlines()


def test_first_line_is_the_pick_with_its_pool_and_interval(small, published):
    q = "Solve for x: 3x + 5 = 20"
    out = invoke("--db", small["db"], "select", q, "--json")
    lines = text("--db", small["db"], "select", q)
    assert lines[0].startswith(f"pick: {out['routed_model']}  P(correct) {out['routed_p_correct']:.2f}")
    assert f"pool {out['pool']} (nearest prompt centroid" in lines[0]
    m = out["assessment"]["measured"]   # the published held-out bin holding the pick's probability
    assert m and m["lo"] <= out["routed_p_correct"] < m["hi"] + 1e-12 and m["n"] > 0
    assert m["interval"][0] <= m["observed"] <= m["interval"][1]
    assert f"{m['interval'][0]:.0%}-{m['interval'][1]:.0%}" in lines[0]
    assert lines[1].startswith(("sure: ", "not sure: "))
    header = next(ln for ln in lines if ln.strip().startswith("rank"))
    assert "P(correct)" in header and "evidence" in header and "cost (USD)" in header
    assert "support" not in "\n".join(lines)


def test_a_prompt_outside_the_pool_is_flagged_and_one_inside_is_not(small):
    rb = invoke("--db", small["db"], "select", CALCULUS, "--benchmark", "routerbench", "--json")
    a = rb["assessment"]
    assert a["off_domain"] is True and not a["sure"] and a["nearest_cosine"] < a["near_floor"]
    lines = text("--db", small["db"], "select", CALCULUS, "--benchmark", "routerbench")
    assert lines[1].startswith("warning: this prompt is unlike the prompts of pool routerbench")
    # a prompt of the pool itself is its own nearest neighbour: inside
    from warehouse import connect
    with connect(small["db"], read_only=True) as con:
        own = con.execute("SELECT text FROM prompts WHERE benchmark = 'routerbench' ORDER BY prompt_id LIMIT 1"
                          ).fetchone()[0]
    inside = invoke("--db", small["db"], "select", own, "--benchmark", "routerbench", "--json")["assessment"]
    assert inside["off_domain"] is False and inside["nearest_cosine"] > 0.99 and "routerbench" in inside["inside"]


def test_probabilities_of_several_pools_carry_a_note(small):
    lines = text("--db", small["db"], "select", CALCULUS, "--benchmark", "all")
    assert any(ln.startswith("note: probabilities from different pools") for ln in lines)
    one = text("--db", small["db"], "select", CALCULUS, "--benchmark", "mmlu-pro")
    assert not any(ln.startswith("note: probabilities") for ln in one)


def test_wilson_interval_and_bins():
    from scipy.stats import binomtest
    ref = binomtest(43, 100).proportion_ci(method="wilson")
    assert wilson(43, 100) == (pytest.approx(ref.low, abs=1e-12), pytest.approx(ref.high, abs=1e-12))
    assert np.isnan(wilson(0, 0)[0])
    bins = [{"lo": b / 10, "hi": (b + 1) / 10, "n": 10 if b != 3 else 0, "mean_p": None,
             "observed": 0.5 if b != 3 else None} for b in range(10)]
    assert measured(bins, 0.35) is None and measured(bins, 1.0)["lo"] == 0.9
    assert measured(bins, 0.42)["interval"] == list(wilson(5, 10))
