"""Scenarios: reading, errors as ScenarioError, with_values against editing the file."""

import numpy as np
import pytest

import carefund

from conftest import SWINDON

REABLEMENT = "scheme.Reablement and intermediate care.effect"
RAPID = "scheme.Rapid response and hospital at home"


def without_hash(summary):
    summary = dict(summary)
    summary["meta"] = {k: v for k, v in summary["meta"].items() if k != "scenario_hash"}
    return summary


def edit(text, old, new):
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_from_file_and_from_toml_agree(swindon_text):
    a = carefund.Scenario.from_file(SWINDON)
    b = carefund.Scenario.from_toml(swindon_text, str(SWINDON))
    assert a.to_toml() == swindon_text
    assert a.hash == b.hash and a.name == b.name == "Swindon Better Care Fund 2015/16"
    assert a.origin == str(SWINDON)
    assert REABLEMENT in a.inputs and "costs.unit_cost" in a.inputs


def test_with_values_equals_editing_the_toml(swindon_text):
    values = {
        "costs.unit_cost": 1600,
        "demand.growth": 0.03,
        f"{RAPID}.success_probability": 0.5,
        "scheme.Care-home support and telecare.effect": 0.004,
    }
    edited = swindon_text
    edited = edit(edited, "unit_cost = { pert = [1_200, 1_490, 2_100] }", "unit_cost = 1600")
    edited = edit(edited, "growth = { normal = { mean = 0.026, sd = 0.012, min = 0.0, max = 0.07 } }", "growth = 0.03")
    edited = edit(edited, "success_probability = 0.65", "success_probability = 0.5")
    edited = edit(edited, "effect = { beta = { alpha = 2, beta = 334 } }", "effect = 0.004")

    base = carefund.Scenario.from_toml(swindon_text, "swindon.toml")
    by_values = base.with_values(values)
    by_hand = carefund.Scenario.from_toml(edited, "swindon.toml")
    rerun = carefund.Scenario.from_toml(by_values.to_toml(), "swindon.toml")

    runs = [carefund.run(s, paths=3000, seed=11, threads=1) for s in (by_values, by_hand, rerun)]
    assert without_hash(runs[0].summary) == without_hash(runs[1].summary) == without_hash(runs[2].summary)
    for name, column in runs[1].columns().items():
        assert np.array_equal(runs[0].columns()[name], column, equal_nan=True), name
    # And the change did something.
    plain = carefund.run(base, paths=3000, seed=11, threads=1)
    assert plain.headline != runs[0].headline
    assert np.all(runs[0].columns()["costs.unit_cost"] == 1600)
    # The original is untouched.
    assert base.to_toml() == swindon_text


def test_with_values_keeps_every_other_draw_paired():
    base = carefund.Scenario.from_file(SWINDON)
    held = base.with_values({REABLEMENT: 0.01})
    a = carefund.run(base, paths=2000, seed=4).columns()
    b = carefund.run(held, paths=2000, seed=4).columns()
    assert np.all(b[REABLEMENT] == 0.01)
    for name in base.inputs:
        if name != REABLEMENT:
            assert np.array_equal(a[name], b[name]), name


def test_wildcards_select_like_a_stress_file():
    s = carefund.Scenario.from_file(SWINDON).with_values({"scheme.*.success_probability": 1.0})
    cols = carefund.run(s, paths=500, seed=1).columns()
    for name in s.inputs:
        if name.endswith(".success_probability"):
            assert np.all(cols[name] == 1.0), name


def test_a_correlated_input_held_fixed_has_no_toml():
    held = carefund.Scenario.from_file(SWINDON).with_values({REABLEMENT: 0.01})
    with pytest.raises(carefund.ScenarioError) as e:
        held.to_toml()
    assert e.value.key == "correlation.inputs"


def test_a_typo_raises_scenario_error_with_key_line_and_allowed(swindon_text):
    text = edit(swindon_text, "horizon_years = 5", "horizon_yaers = 5")
    line = text.splitlines().index("horizon_yaers = 5") + 1
    with pytest.raises(carefund.ScenarioError) as e:
        carefund.Scenario.from_toml(text, "typo.toml")
    err = e.value
    assert isinstance(err, ValueError)
    assert err.key == "scenario.horizon_yaers"
    assert err.line == line and err.column == 1 and err.file == "typo.toml"
    assert "horizon_years" in err.allowed and err.suggestion == "horizon_years"
    assert str(err).startswith(f"typo.toml:{line}:1: `scenario.horizon_yaers`: unknown key")


def test_a_value_out_of_range_names_key_line_value(swindon_text):
    text = edit(swindon_text, "success_probability = 0.65", "success_probability = 1.5")
    with pytest.raises(carefund.ScenarioError) as e:
        carefund.Scenario.from_toml(text, "range.toml")
    err = e.value
    assert err.key == f"{RAPID}.success_probability"
    assert err.line == text.splitlines().index("success_probability = 1.5") + 1
    assert err.value == "1.5" and err.allowed == "a probability from 0 to 1"


def test_with_values_errors_name_the_input():
    s = carefund.Scenario.from_file(SWINDON)
    with pytest.raises(carefund.ScenarioError) as e:
        s.with_values({"scheme.Reablment and intermediate care.effect": 0.01})
    assert e.value.key == "scheme.Reablment and intermediate care.effect"
    assert e.value.suggestion == REABLEMENT and e.value.line is None
    with pytest.raises(carefund.ScenarioError) as e:
        s.with_values({"costs.unit_cost": -3})
    assert e.value.key == "costs.unit_cost" and "0 to" in e.value.allowed
    with pytest.raises(TypeError):
        s.with_values({"costs.unit_cost": "1600"})


def test_unreadable_files():
    with pytest.raises(FileNotFoundError):
        carefund.Scenario.from_file("no-such-scenario.toml")
