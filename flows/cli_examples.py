"""Examples shown at the end of every command's --help, and help text tidied for flags: one place, applied to the
assembled app (flows/cli.py calls add_help_extras once every command module has registered)."""
from __future__ import annotations

import typer

# command path -> example invocations (each line one shell command; a trailing '# …' says what it does)
EXAMPLES: dict[str, list[str]] = {
    "": ["taskspace --db taskspace.duckdb ingest results -f mmlu-pro ../shared/data/mmlu_pro/eval_results",
         "taskspace --db taskspace.duckdb refresh",
         "taskspace --db taskspace.duckdb select \"Solve 2x + 3 = 11 for x\""],
    "sql": ["taskspace sql \"SHOW TABLES\"", "taskspace sql \"SUMMARIZE result_labels\" --csv",
            "taskspace sql @queries/top.sql --csv > top.csv"],
    "refresh": ["taskspace refresh            # embed new prompts, refit the operators of changed pools",
                "taskspace refresh --json     # the same, one JSON object (pools_refit, precision, seconds)"],
    "evaluate": ["taskspace evaluate                     # every benchmark, one block each",
                 "taskspace evaluate --split coldstart --budget 100 --benchmark mmlu-pro   # new models from K prompts",
                 "taskspace evaluate --benchmark routerbench --split id-cv --json"],
    "select": ["taskspace select \"Prove that the square root of 2 is irrational\"",
               "taskspace select \"Summarise this contract\" --max-cost 0.001 --benchmark routerbench",
               "taskspace select --file prompts.txt --json > picks.jsonl",
               "taskspace select --task mmlu-pro/law --top 5"],
    "publish": ["taskspace publish --out out/selection    # then open out/selection/report.html"],
    "run": ["taskspace run --config taskspace.toml      # ingest every source, refresh, evaluate, publish"],
    "backfill": ["taskspace backfill --from 2026-11-01 --to 2026-11-30 --config taskspace.toml"],
    "serve": ["taskspace serve --config taskspace.toml   # keep running; schedules and triggers of prefect.yaml"],
    "storage": ["taskspace storage               # which duckdb CLI versions open the file",
                "taskspace storage --convert     # rewrite it in the storage format the duckdb 1.4 CLI reads"],
    "ingest": ["taskspace ingest results -f routerbench ../shared/data/routerbench",
               "taskspace ingest releases -f hub-api ../shared/data/hub_models/deepseek_r1_family_models.json"],
    "ingest results": ["taskspace ingest results -f mmlu-pro ../shared/data/mmlu_pro/eval_results",
                       "taskspace ingest results -f lm-eval runs/   # results_<ts>.json + samples_*.jsonl",
                       "taskspace ingest results -f long results.parquet --json"],
    "ingest releases": ["taskspace ingest releases -f hub-api ../shared/data/hub_models/deepseek_r1_family_models.json",
                        "taskspace ingest releases -f open-llm-leaderboard "
                        "../shared/data/open_llm_leaderboard/open_llm_leaderboard_v2.csv"],
    "coldstart": ["taskspace coldstart plan --benchmark mmlu-pro --budget 100 --model org/new-model --out plan.jsonl"],
    "coldstart plan": ["taskspace coldstart plan --benchmark mmlu-pro --budget 100 --model org/new-model "
                       "--out plan.jsonl",
                       "taskspace ingest results -f long answers.csv   # its answers to plan.jsonl, then refresh"],
    "helu": ["taskspace helu bench --quick", "taskspace helu summary"],
    "helu bench": ["taskspace helu bench --quick          # a few minutes on a CPU",
                   "taskspace helu bench --seeds 3 --json"],
    "helu summary": ["taskspace helu summary              # the latest published suite"],
}


def epilog(path: str) -> str:
    """The examples block of a command's help ('' when it has none)."""
    lines = EXAMPLES.get(path, [])
    return "Examples:\n\n" + "\n\n".join(f"  $ {ln}" for ln in lines) if lines else ""


def _no_flag_type(display_type_rich):
    """Typer's option type label, none for flags (typer 0.29 prints '<bool>' beside --json and --help)."""
    def display(self, ctx):
        return None if getattr(self, "is_flag", False) else display_type_rich(self, ctx)
    display.plain_flags = True
    return display


def add_help_extras(app: typer.Typer, path: str = "") -> None:
    """Set the examples epilog on every command and group of APP (recursively); flags show no type label."""
    from typer.core import TyperOption
    if not getattr(TyperOption.display_type_rich, "plain_flags", False):
        TyperOption.display_type_rich = _no_flag_type(TyperOption.display_type_rich)
    app.info.epilog = app.info.epilog or epilog(path) or None
    for c in app.registered_commands:
        name = f"{path} {c.name}".strip()
        c.epilog = c.epilog or epilog(name) or None
    for g in app.registered_groups:
        add_help_extras(g.typer_instance, f"{path} {g.name}".strip())
