"""`taskspace coldstart plan`: the prompts a new model should answer first (heavy imports inside the command)."""
from __future__ import annotations

from typing import Optional

import typer

from flows.cli_app import State, app, emit

coldstart_app = typer.Typer(help="Cold start: place a new model from a few planned evaluations.",
                            no_args_is_help=True)
app.add_typer(coldstart_app, name="coldstart")


@coldstart_app.command("plan")
def plan_cmd(
    benchmark: str = typer.Option(..., help="Benchmark (pool) to plan on, e.g. mmlu-pro."),
    budget: int = typer.Option(100, min=1, help="Prompts to evaluate the new model on."),
    model: Optional[str] = typer.Option(None, help="Hub id or name of the new model (stored with the plan)."),
    seed: int = typer.Option(0, help="Seed of the choice (stored with the plan)."),
    strategy: str = typer.Option("difficulty", help="difficulty (default: categories x quartiles of the known "
                                 "models' success) | stratified | random | disagreement | anchor. For a --model "
                                 "that has answered a plan already, the default is its next round: adaptive (drawn "
                                 "by information at its ability); for one with a leaderboard score on the benchmark "
                                 "(and 20 known models), its first round is adaptive at the ability that score "
                                 "gives."),
    out: Optional[str] = typer.Option(None, help="Write the plan's prompts here: .jsonl or .csv (ids, text, "
                                      "options, answer). Where the benchmark came from lm-eval, FILE.lm-eval-samples"
                                      ".json is written beside it for lm-eval's --samples."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (the plan without its texts)."),
):
    """Choose BUDGET prompts of BENCHMARK for a new model, record the plan in the warehouse, write it for a harness.
    Then ingest the model's answers (e.g. --format long) and run `taskspace refresh`."""
    from tasks.coldstart.planning import PlanError, lm_eval_command, lm_eval_subset, make_plan, write_file, \
        write_lm_eval_subset

    if out and not out.lower().endswith((".jsonl", ".ndjson", ".csv")):
        raise typer.BadParameter("use a .jsonl or .csv file", param_hint="--out")
    try:
        res = make_plan(State.db, benchmark, budget, model=model, seed=seed, strategy=strategy)
    except PlanError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    subset = lm_eval_subset(res["prompts"])
    samples = None
    if out:
        write_file(res["prompts"], out)
        if subset:
            samples = str(write_lm_eval_subset(subset, f"{out.rsplit('.', 1)[0]}.lm-eval-samples.json"))
    summary = {k: v for k, v in res.items() if k != "prompts"} | {
        "n_prompts": len(res["prompts"]), "out": out, "prompt_ids": [p["prompt_id"] for p in res["prompts"]],
        "lm_eval_samples": subset or None, "lm_eval_samples_file": samples}
    human = (f"plan {res['plan_id']}: {len(res['prompts'])} prompts of {benchmark} "
             f"({res['strategy']}, seed {seed}, {res['n_known_models']} known models)"
             + (f" written to {out}" if out else ""))
    if res["strategy"] == "adaptive" and not res["first_round"]:
        human += f"\n(adaptive second round for {model}: drawn where its answers so far say most about it)"
    elif model:
        if res["strategy"] == "adaptive":
            human += (f"\n(adaptive first round for {model}: drawn where its Open LLM Leaderboard score "
                      f"{res['leaderboard_score']:.3f} says most about it)")
        human += (f"\nonce its answers are ingested, `taskspace coldstart plan --benchmark {benchmark} --model {model} "
                  f"--budget N` plans its next round at its ability (two rounds of 30 + 70 estimate better than "
                  f"one of 100)")
    if samples:
        human += (f"\nlm-eval subset written to {samples}; run it with\n  {lm_eval_command(subset, samples, model)}"
                  f"\nthen: taskspace ingest results --format lm-eval results/")
    emit(summary, as_json, human)
