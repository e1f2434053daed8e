"""Pipeline config: validation, relative paths, defaults, backfill source/date selection, offline hints."""
from __future__ import annotations

from datetime import date

import pytest

from conftest import FIXTURES
from tasks.backfill import check_range, in_range, pick_sources
from tasks.config import load_config
from tasks.pipeline import offline_hint
from tasks.sources import list_items


def write(tmp_path, text):
    p = tmp_path / "taskspace.toml"
    p.write_text(text)
    return p


def test_relative_paths_resolve_against_the_config(tmp_path):
    cfg = load_config(write(tmp_path, """db = "w.duckdb"
[[sources]]
name = "rb"
kind = "results"
format = "routerbench"
location = "data/rb"
[[sources]]
name = "hub"
kind = "releases"
format = "hub-api"
location = "https://huggingface.co"
"""))
    assert cfg.db == str(tmp_path / "w.duckdb")
    assert cfg.sources[0].location == str(tmp_path / "data" / "rb")
    assert cfg.sources[1].location == "https://huggingface.co" and cfg.sources[1].is_url
    assert cfg.operators.lam == 1.0 and cfg.operators.eps == 0.1


def test_default_config_points_at_the_public_feeds():
    cfg = load_config(None)
    assert {s.format for s in cfg.sources} == {"mmlu-pro", "hub-api"} and all(s.is_url for s in cfg.sources)


@pytest.mark.parametrize("text,msg", [
    ('[[sources]]\nname="a"\nkind="results"\nformat="hub-api"\nlocation="x"', "not a results format"),
    ('[[sources]]\nname="a"\nkind="results"\nformat="long"\nlocation="x"\n'
     '[[sources]]\nname="a"\nkind="results"\nformat="long"\nlocation="y"', "repeated: a"),
    ('[operators]\nlam = -1', "greater than 0"),
    ('dbb = "typo.duckdb"', "Extra inputs are not permitted"),
    ('db = ', "not valid TOML"),
])
def test_bad_configs_say_what_is_wrong(tmp_path, text, msg):
    with pytest.raises(ValueError, match=msg):
        load_config(write(tmp_path, text))


def test_missing_config_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        load_config(tmp_path / "nope.toml")


def test_backfill_picks_sources_and_dates(tmp_path):
    cfg = load_config(write(tmp_path, f"""[[sources]]
name = "rb"
kind = "results"
format = "routerbench"
location = "{FIXTURES / 'routerbench'}"
"""))
    assert [s.name for s in pick_sources(cfg, None)] == ["rb"]
    with pytest.raises(ValueError, match="unknown source"):
        pick_sources(cfg, ["nope"])
    item = list_items("routerbench", str(FIXTURES / "routerbench"))[0]
    assert in_range(item, None, None)
    assert not in_range(item, date(2999, 1, 1), None)
    assert in_range(item, date(2000, 1, 1), date(2999, 1, 1))
    with pytest.raises(ValueError, match="after"):
        check_range(date(2025, 2, 1), date(2025, 1, 1))


def test_offline_hint_names_url_and_mirror(tmp_path):
    cfg = load_config(None)
    msg = offline_hint(cfg.sources[0], "GET https://api.github.com/... failed: Name or service not known")
    assert cfg.sources[0].location in msg and "mirror it locally" in msg and "location" in msg
