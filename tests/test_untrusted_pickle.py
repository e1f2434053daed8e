"""RouterBench pickles: a real pandas DataFrame still loads (from a file or a URL); a pickle that would run code
never does, and fails alone with the reason."""
from __future__ import annotations

import os
import pickle

import numpy as np
import pandas as pd
import pytest

from http_fixtures import Loopback
from tasks.ingest import expand_sources, ingest_item, totals
from tasks.sources.base import InputError
from tasks.sources.safe_pickle import load_dataframe


def routerbench_frame() -> pd.DataFrame:
    """A RouterBench-shaped frame: object and string columns, float scores with NaN (not evaluated), costs."""
    return pd.DataFrame({
        "sample_id": pd.Series(["mmlu.1", "mmlu.2", "gsm8k.3"], dtype=object),
        "prompt": pd.array(["['What is 2+2?']", "['Name a prime.']", "['Solve x+1=3']"], dtype="string"),
        "eval_name": pd.Categorical(["mmlu", "mmlu", "gsm8k"]),
        "gpt-4": [1.0, 0.0, np.nan],
        "gpt-4|total_cost": np.array([0.002, 0.003, 0.001], dtype="float32"),
        "gpt-4|model_response": pd.Series(["4", "7", None], dtype=object),
        "llama": [1, 1, 0],
        "llama|total_cost": [0.0001, 0.0001, 0.0002],
        "oracle_model_to_route_to": ["llama", "llama", "gpt-4"],
    }).set_axis(pd.Index([10, 11, 12], name="row"))


def ingest(con, src):
    items, missing = expand_sources("routerbench", [str(src)])
    return totals([ingest_item(con, "routerbench", it) for it in items] + missing)


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_a_real_dataframe_pickle_loads(con, tmp_path, protocol):
    routerbench_frame().to_pickle(tmp_path / "routerbench_0shot.pkl", protocol=protocol)
    out = ingest(con, tmp_path / "routerbench_0shot.pkl")
    assert (out["loaded"], out["failed"], out["rows_new"]) == (1, 0, 5)      # gpt-4 has no score for gsm8k.3
    rows = con.execute("SELECT model_id, prompt_id, correct, round(cost_usd, 6) FROM results ORDER BY 1, 2").fetchall()
    assert rows[0] == ("gpt-4", "routerbench:mmlu.1", True, 0.002)
    text = con.execute("SELECT text, category FROM prompts WHERE prompt_id = 'routerbench:gsm8k.3'").fetchall()
    assert text == [("Solve x+1=3", "gsm8k")]


def test_a_multiindex_and_datetime_frame_unpickles_unchanged():
    df = routerbench_frame().assign(when=pd.to_datetime(["2024-01-01", "2024-01-02", None]),
                                    n=pd.array([1, None, 3], dtype="Int64")).set_index(["sample_id", "eval_name"])
    pd.testing.assert_frame_equal(load_dataframe(pickle.dumps(df), "x.pkl"), df)


class Payload:
    def __init__(self, *call):
        self.call = call

    def __reduce__(self):
        return self.call


@pytest.mark.parametrize("call", ["os.system", "eval", "exec", "getattr", "subprocess"])
def test_an_evil_pickle_never_runs_and_fails_alone(con, tmp_path, call):
    marker = tmp_path / "pwned"
    payload = {"os.system": (os.system, (f"touch {marker}",)),
               "eval": (eval, (f"open({str(marker)!r}, 'w')",)),
               "exec": (exec, (f"open({str(marker)!r}, 'w')",)),
               "getattr": (getattr, ("text", "upper")),
               "subprocess": (__import__("subprocess").run, (["touch", str(marker)],))}[call]
    # a DataFrame-looking wrapper: the payload sits inside an otherwise valid frame's pickle
    (tmp_path / "batch").mkdir()
    (tmp_path / "batch" / "evil.pkl").write_bytes(pickle.dumps({"frame": routerbench_frame(), "x": Payload(*payload)}))
    routerbench_frame().to_pickle(tmp_path / "batch" / "good.pkl")
    out = ingest(con, tmp_path / "batch")
    assert not marker.exists()
    assert (out["loaded"], out["failed"]) == (1, 1)
    (error,) = out["errors"]
    assert "evil.pkl: unsafe pickle not loaded" in error and "refused" in error


def test_a_pickle_url_goes_through_the_same_allow_list(con, tmp_path):
    marker = tmp_path / "pwned"
    with Loopback() as srv:
        srv.add_file("/data/evil.pkl", pickle.dumps(Payload(os.system, (f"touch {marker}",))))
        srv.add_file("/data/good.pkl", pickle.dumps(routerbench_frame()))
        out = ingest(con, srv.url + "/data/evil.pkl")
        assert out["failed"] == 1 and "unsafe pickle" in out["errors"][0] and srv.url in out["errors"][0]
        assert ingest(con, srv.url + "/data/good.pkl")["rows_new"] == 5
    assert not marker.exists()


def test_not_a_dataframe_and_garbage_are_input_errors():
    with pytest.raises(InputError, match="holds a list"):
        load_dataframe(pickle.dumps([1, 2, 3]), "a.pkl")
    with pytest.raises(InputError, match="not a readable pandas pickle"):
        load_dataframe(pickle.dumps(routerbench_frame())[:-50], "b.pkl")
