"""The pure benchmark parts: dead units, closed-form operators, run planning, one training run, the paired report."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import torch
from scipy import stats
from torch import nn

from tasks.helu import HeLU
from tasks.helu.dead_units import dead_units
from tasks.helu.models import ACTIVATION_KINDS, mlp, wide_resnet
from tasks.helu.operators import fit_operators, operator_accuracy
from tasks.helu.report import published_rows, sign_test
from tasks.helu.runner import run_one
from tasks.helu.suite import DEFAULT_WORKLOADS, parse_settings, plan_runs, workload_params


def test_dead_units_per_layer_and_overall_for_linear_and_conv_layers():
    net = mlp([2, 3, 2], nn.ReLU)
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]))
        net[0].bias.copy_(torch.tensor([0.0, -5.0, 0.0]))
    probe = torch.tensor([[1.0, 2.0], [0.5, 0.1], [0.0, 0.0]])  # unit 1 always <= 0, unit 2 = -(x0+x1) <= 0
    rep = dead_units(net, probe, ACTIVATION_KINDS)
    assert rep.dead == (2,) and rep.units == (3,) and rep.overall == pytest.approx(2 / 3)
    conv = nn.Sequential(nn.Conv2d(1, 4, 1), HeLU(0.05), nn.Conv2d(4, 2, 1), nn.ReLU())
    with torch.no_grad():
        conv[0].weight.copy_(torch.tensor([1.0, -1.0, 0.0, 2.0]).view(4, 1, 1, 1))
        conv[0].bias.copy_(torch.tensor([0.0, 0.0, -1.0, 0.0]))
    rep = dead_units(conv, torch.rand(5, 1, 3, 3) + 0.1, ACTIVATION_KINDS)  # positive images
    assert rep.dead[0] == 2 and rep.units == (4, 2) and rep.per_layer[0] == 0.5


def test_operators_equal_the_ridge_solution_and_drop_small_eigenvalues():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 6))
    y = np.where(rng.random((200, 2)) < 0.4, 1.0, 0.0)
    y[:10, 1] = np.nan
    ops = fit_operators(x, y, lam=1.0, eps=0.1)
    s0 = np.where(y[:, 0] > 0.5, 1.0, -1.0)
    assert np.allclose(ops[:, 0], np.linalg.solve(x.T @ x + 2 * np.eye(6), x.T @ s0))
    seen = ~np.isnan(y[:, 1])
    s1 = np.where(y[seen, 1] > 0.5, 1.0, -1.0)
    assert np.allclose(ops[:, 1], np.linalg.solve(x[seen].T @ x[seen] + 2 * np.eye(6), x[seen].T @ s1))
    xd = np.hstack([x, np.zeros((200, 1))])  # a dead direction: eigenvalue 0 < eps is dropped
    assert fit_operators(xd, y)[-1].tolist() == [0.0, 0.0]
    acc = operator_accuracy(x, y, ops)
    manual = (((x @ ops) > 0) == (y > 0.5))[~np.isnan(y)].mean()
    assert acc == pytest.approx(manual)


def test_plan_covers_every_activation_alpha_and_seed_plus_operator_baselines():
    runs = plan_runs(workloads=list(DEFAULT_WORKLOADS), seeds=[0, 1, 2], device="cpu", quick=True)
    per = {}
    for r in runs:
        per.setdefault(r.workload, []).append(r)
    assert set(per) == {"digits_mlp", "digits_cnn", "dying_relu_torch", "dying_relu_he", "dying_relu_he_alive",
                        "routing_mlp"}
    assert len(per["digits_mlp"]) == 3 * 9 and len(per["routing_mlp"]) == 3 * 10
    assert {r.label for r in per["digits_cnn"]} == {"helu(0.001)", "helu(0.01)", "helu(0.05)", "helu(0.1)", "relu",
                                                   "gelu", "elu", "leaky_relu", "silu"}
    with pytest.raises(ValueError, match="alpha"):
        plan_runs(workloads=["digits_mlp"], seeds=[0], device="cpu", quick=True, activations=["helu"], alphas=[-1])
    with pytest.raises(ValueError, match="unknown settings"):
        workload_params("digits_mlp", True, {"epochz": 3})
    with pytest.raises(ValueError, match="not in the suite"):
        plan_runs(workloads=["digits_mlp"], seeds=[0], device="cpu", quick=True, overrides={"digits_cnn": {}})
    assert parse_settings(["digits_mlp.epochs=2", "digits_mlp.arch=cnn", "x.hidden=[4, 4]"]) == {
        "digits_mlp": {"epochs": 2, "arch": "cnn"}, "x": {"hidden": [4, 4]}}


def _spec(workload, activation, alpha, seed=0, **kw):
    runs = plan_runs(workloads=[workload], seeds=[seed], device="cpu", quick=True, activations=[activation],
                     alphas=[alpha] if alpha is not None else None, overrides={workload: kw})
    return runs[0]


def test_a_run_is_reproducible_and_helu_with_alpha_zero_trains_exactly_like_relu():
    a = run_one(_spec("digits_mlp", "helu", 0.0, epochs=2))
    b = run_one(_spec("digits_mlp", "relu", None, epochs=2))
    c = run_one(_spec("digits_mlp", "helu", 0.0, epochs=2))
    assert [e["val_loss"] for e in a["curves"]] == [e["val_loss"] for e in b["curves"]] == \
        [e["val_loss"] for e in c["curves"]]
    assert len(a["curves"]) == 3 and a["curves"][0]["train_loss"] is None
    assert a["final_val_acc"] > 0.6 and a["best_val_acc"] >= a["final_val_acc"]
    assert a["config"]["seed"] == 0 and a["config"]["params"]["epochs"] == 2
    d = run_one(_spec("digits_mlp", "helu", 0.1, epochs=2))  # same init and forward, different backward
    assert d["curves"][0]["val_loss"] == a["curves"][0]["val_loss"] and d["final_val_loss"] != a["final_val_loss"]


def test_dying_probe_separates_born_dead_from_alive_initialisations():
    born = [run_one(_spec("dying_relu_he", "relu", None, seed=s, epochs=1, steps_per_epoch=20)) for s in range(6)]
    assert any(r["born_dead"] for r in born)
    for r in born:
        if r["born_dead"]:  # a ReLU net with a whole dead layer is a constant function and cannot recover
            assert r["collapsed"] and not r["died_in_training"]
        assert len(r["dead_layers_start"]) == 10
    alive = [run_one(_spec("dying_relu_he_alive", "relu", None, seed=s, epochs=1, steps_per_epoch=20))
             for s in range(6)]
    assert not any(r["born_dead"] for r in alive)
    assert all(r["config"]["problem"]["init_draws"] >= 1 for r in alive)


def test_wide_resnet_forward_backward_and_depth_check():
    net = wide_resnet(10, 1, 10, lambda: HeLU(0.05))
    out = net(torch.randn(2, 3, 32, 32))
    out.sum().backward()
    assert out.shape == (2, 10) and all(p.grad is not None for p in net.parameters())
    with pytest.raises(ValueError, match="6n\\+4"):
        wide_resnet(11, 1, 10, nn.ReLU)


def test_published_rows_pair_seeds_with_relu():
    rows = []
    relu_acc, helu_acc = [0.90, 0.85, 0.88, 0.91], [0.92, 0.86, 0.91, 0.91]
    for seed in range(4):
        for act, alpha, label, acc, coll in [("relu", None, "relu", relu_acc[seed], seed < 3),
                                             ("helu", 0.05, "helu(0.05)", helu_acc[seed], seed < 1)]:
            rows.append({"workload": "w", "activation": act, "alpha": alpha, "label": label, "seed": seed,
                         "status": "ok", "metric": "accuracy", "final_val_acc": acc, "best_val_acc": acc,
                         "final_val_loss": 1 - acc, "dead_frac_end": 0.1, "collapsed": coll, "born_dead": False,
                         "died_in_training": coll, "time_per_epoch_s": 0.5})
    rows.append(rows[-1] | {"seed": 9, "status": "failed", "final_val_acc": None})
    out = {r["label"]: r for r in published_rows(pl.DataFrame(rows))}
    h = out["helu(0.05)"]
    diffs = np.array(helu_acc) - np.array(relu_acc)
    assert h["n_seeds"] == 4 and h["n_pairs"] == 4 and h["diff_mean"] == pytest.approx(diffs.mean())
    assert h["t_p"] == pytest.approx(stats.ttest_rel(helu_acc, relu_acc).pvalue)
    assert h["collapse_diff"] == pytest.approx(-0.5) and h["sign_p"] == pytest.approx(0.5)
    assert out["relu"]["diff_mean"] is None and out["relu"]["score_mean"] == pytest.approx(np.mean(relu_acc))
    assert sign_test(np.array([True, False]), np.array([True, False])) is None


def test_wrn_cifar_workload_on_a_tiny_dataset_in_the_cifar_format(tmp_path):
    import pickle
    from tasks.helu.tasks import skip_reason
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {b"data": rng.integers(0, 256, (4, 3072), dtype=np.uint8), b"labels": rng.integers(0, 10, 4).tolist()}
        (folder / name).write_bytes(pickle.dumps(batch))
    params = workload_params("wrn_cifar10", True, {"data_dir": str(tmp_path)})
    assert "needs a GPU" in skip_reason("wrn_cifar10", params, "cpu")
    assert skip_reason("wrn_cifar10", params, "cuda") is None
    assert "not found" in skip_reason("wrn_cifar100", workload_params("wrn_cifar100", True,
                                                                      {"data_dir": str(tmp_path)}), "cuda")
    spec = _spec("wrn_cifar10", "helu", 0.05, data_dir=str(tmp_path), epochs=1, batch_size=8, probe_size=4)
    r = run_one(spec)
    assert r["config"]["problem"] == {"n_train": 20, "n_val": 4, "augment": True}
    assert len(r["dead_layers_start"]) == 2 * 1 * 3 + 1 and 0 <= r["final_val_acc"] <= 1


def test_networks_are_drawn_from_the_run_generator_not_the_global_rng():
    """Concurrent runs in one process share torch's global RNG, so every network must come from the run's own."""
    from tasks.helu.models import activation_factory
    from tasks.helu.runner import make_problem
    for workload in ("digits_mlp", "digits_cnn", "dying_relu_torch", "dying_relu_he_alive"):
        spec = _spec(workload, "relu", None)
        problem = make_problem(spec, None)
        params = []
        for global_seed in (1, 2):
            torch.manual_seed(global_seed)
            net = problem.build(activation_factory("relu"), torch.Generator().manual_seed(7))
            params.append(torch.cat([p.detach().flatten() for p in net.parameters()]))
        assert torch.equal(params[0], params[1]), workload
