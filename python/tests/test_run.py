"""carefund.run gives what `carefund run` gives, bit for bit."""

import json
import math

import numpy as np
import pytest

import carefund

from conftest import SWINDON


def test_summary_and_files_are_bit_identical_to_the_cli(cli, tmp_path):
    out = tmp_path / "cli"
    cli("run", str(SWINDON), "--paths", "3000", "--seed", "7", "--threads", "1", "--out", str(out))
    result = carefund.run(carefund.Scenario.from_file(str(SWINDON)), paths=3000, seed=7, threads=1)
    assert result.summary_json == (out / "summary.json").read_text(encoding="utf-8")
    assert result.summary == json.loads((out / "summary.json").read_text(encoding="utf-8"))

    mine = tmp_path / "py"
    names = result.write(mine)
    # Every output file, byte for byte, and the manifest (each file's SHA-256) too: the
    # package writes through the command's writer.
    assert names[-1] == "manifest.json"
    assert sorted(names) == sorted(p.name for p in out.iterdir())
    for name in names:
        assert (mine / name).read_bytes() == (out / name).read_bytes(), name


def test_results_do_not_depend_on_threads():
    one = carefund.run(SWINDON, paths=2500, seed=3, threads=1)
    two = carefund.run(SWINDON, paths=2500, seed=3, threads=2)
    a, b = one.summary, two.summary
    assert a["meta"].pop("threads") == 1 and b["meta"].pop("threads") == 2
    assert a == b
    for name, column in one.columns().items():
        assert np.array_equal(column, two.columns()[name], equal_nan=True), name


def test_headline_rating_and_reasons_come_from_the_summary():
    r = carefund.run(SWINDON, paths=2000, seed=5)
    assert r.rating == r.summary["rating"]
    assert r.reasons == r.summary["reasons"] and r.reasons
    assert 0.0 <= r.headline["p_break_even"] <= 1.0
    assert r.headline == r.summary["headline"]
    assert r.rating in r.text


def test_periods_are_the_summary_statistics_in_tidy_form():
    r = carefund.run(SWINDON, paths=2000, seed=5)
    periods = r.periods
    assert list(periods.columns) == ["period", "quantity", "statistic", "value"]
    summary_periods = r.summary["periods"]
    quantities = summary_periods[0]["quantities"]
    assert len(periods) == len(summary_periods) * len(quantities) * len(carefund.STATISTICS)
    last = summary_periods[-1]
    row = periods[(periods.period == last["label"]) & (periods.quantity == "cum_net") & (periods.statistic == "p50")]
    assert row.value.tolist() == [last["quantities"]["cum_net"]["p50"]]


def test_paths_hold_results_then_inputs_one_row_per_path():
    s = carefund.Scenario.from_file(SWINDON)
    r = carefund.run(s, paths=1500, seed=2)
    paths = r.paths
    assert len(paths) == 1500
    assert list(paths.columns[-len(s.inputs):]) == s.inputs
    assert paths["cum_net"].dtype == np.float64
    # The share of paths that break even is the headline's P(break even).
    assert (paths["cum_net"] >= 0).mean() == pytest.approx(r.headline["p_break_even"], abs=0, rel=1e-12)


def test_to_numpy_is_paths_by_periods_and_ends_at_the_horizon_totals():
    r = carefund.run(SWINDON, paths=1200, seed=9)
    cum = r.to_numpy("cum_net")
    assert cum.shape == (1200, len(r.summary["periods"]))
    assert np.array_equal(cum[:, -1], r.columns()["cum_net"])
    mean = r.periods.query("quantity == 'cum_net' and statistic == 'mean'").value.to_numpy()
    assert np.allclose(cum.mean(axis=0), mean, rtol=1e-12, atol=1e-6)
    with pytest.raises(ValueError, match="unknown quantity"):
        r.to_numpy("cumnet")


def test_write_replaces_its_own_outputs_and_keeps_the_rest(tmp_path):
    # As the command does: the files the last write's manifest lists are replaced as a
    # whole; the user's own files stay.
    r = carefund.run(SWINDON, paths=500, seed=1, threads=1)
    (tmp_path / "keep.txt").write_text("mine")
    png = r.write(tmp_path, charts="png")
    assert "fan.png" in png and png[-1] == "manifest.json"
    svg = r.write(tmp_path, charts="svg")
    assert "fan.svg" in svg and "fan.png" not in svg
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(svg + ["keep.txt"])
    assert (tmp_path / "keep.txt").read_text() == "mine"
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == sorted(n for n in svg if n != "manifest.json")
    # No staging directory is left beside it.
    assert [p.name for p in tmp_path.parent.iterdir() if p.name.startswith("." + tmp_path.name)] == []


def test_write_refuses_a_file_and_the_current_directory(tmp_path, monkeypatch):
    r = carefund.run(SWINDON, paths=500, seed=1, threads=1)
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(NotADirectoryError, match="is a file"):
        r.write(tmp_path / "a-file")
    with pytest.raises(NotADirectoryError, match="a-file is a file"):
        r.write(tmp_path / "a-file" / "out")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="current directory"):
        r.write(".")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_progress_callback_sees_each_stage_to_its_end():
    seen = []
    carefund.run(SWINDON, paths=4000, seed=1, progress=lambda stage, done, total: seen.append((stage, done, total)))
    stages = [s for s, _, _ in seen]
    # Every stage is reported, to its end, however short.
    assert stages.index("plan run") < stages.index("evidence run")
    assert ("plan run", 4000, 4000) in seen
    assert seen[-1] == ("evidence run", 4000, 4000)
    assert all(0 <= d <= t for _, d, t in seen)


def test_a_callback_that_raises_stops_the_run():
    def boom(stage, done, total):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        carefund.run(SWINDON, paths=200_000, seed=1, threads=1, progress=boom)


def test_bad_options_raise_value_error():
    with pytest.raises(ValueError, match="paths"):
        carefund.run(SWINDON, paths=0)
    with pytest.raises(ValueError, match="sampling"):
        carefund.run(SWINDON, paths=10, sampling="sobol")
    assert not math.isnan(carefund.run(SWINDON, paths=300, sampling="lhs").headline["p_break_even"])
