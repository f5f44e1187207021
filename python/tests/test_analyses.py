"""stress, compare, evpi, sensitivity and national give what the command gives."""

import json

import pytest

import carefund

from conftest import DATA, SWINDON

SLOW_RAMPS = DATA / "scenarios" / "swindon-2015-slow-ramps.toml"
AREAS = DATA / "national" / "areas-synthetic.csv"
TEMPLATE = DATA / "national" / "england-2015.toml"


def same_files(analysis, cli_dir, tmp_path):
    """Every file of the analysis is byte for byte the command's, its manifest included."""
    mine = tmp_path / "py"
    names = analysis.write(mine)
    assert names[-1] == "manifest.json"
    assert sorted(names) == sorted(p.name for p in cli_dir.iterdir())
    for name in names:
        assert (mine / name).read_bytes() == (cli_dir / name).read_bytes(), name
    for name, data in analysis.files.items():
        assert data == (cli_dir / name).read_bytes(), name


def test_stress_matches_the_command(cli, tmp_path):
    out = tmp_path / "cli"
    cli("stress", str(SWINDON), "--pack", "sceptical", "--paths", "1500", "--seed", "3", "--threads", "1", "--out", str(out))
    a = carefund.stress(str(SWINDON), "sceptical", paths=1500, seed=3, threads=1)
    same_files(a, out, tmp_path)
    # The base and each stress of the pack, one row each.
    assert list(a.tables["stress"]["stress"])[0] == "Base"
    pack = (DATA / "stress" / "sceptical.toml").read_text(encoding="utf-8")
    assert len(a.tables["stress"]["stress"]) == 1 + pack.count("\n[[stress]]\n")
    assert len(a.data["stress"]["stresses"]) == pack.count("\n[[stress]]\n")


def test_compare_matches_the_command(cli, tmp_path):
    out = tmp_path / "cli"
    cli("compare", str(SWINDON), str(SLOW_RAMPS), "--paths", "1200", "--seed", "3", "--threads", "1", "--out", str(out))
    a = carefund.compare([str(SWINDON), carefund.Scenario.from_file(str(SLOW_RAMPS))], paths=1200, seed=3, threads=1)
    same_files(a, out, tmp_path)


def test_evpi_is_compare_with_voi_against_doing_nothing(cli, tmp_path):
    nothing = tmp_path / "do-nothing.toml"
    cli("init", str(nothing), "--do-nothing", str(SWINDON))
    out = tmp_path / "cli"
    cli("compare", str(SWINDON), str(nothing), "--voi", "--paths", "1500", "--seed", "3", "--threads", "1", "--out", str(out))
    a = carefund.evpi(str(SWINDON), paths=1500, seed=3, threads=1)
    assert carefund.do_nothing(str(SWINDON)).to_toml() == nothing.read_text(encoding="utf-8")
    theirs = json.loads((out / "voi.json").read_text(encoding="utf-8"))
    mine = a.data["voi"]
    # The do-nothing option is named by its file on the command line, by its plan here.
    for d in (theirs, mine):
        d.pop("files", None)
        d.pop("options", None)
    assert mine == theirs
    assert a.files["acceptability.csv"] == (out / "acceptability.csv").read_bytes()


def test_sensitivity_matches_the_command(cli, tmp_path):
    out = tmp_path / "cli"
    cli("sensitivity", str(SWINDON), "--method", "tornado", "--paths", "1500", "--seed", "3", "--threads", "1", "--out", str(out))
    a = carefund.sensitivity(str(SWINDON), "cum_net", "tornado", paths=1500, seed=3, threads=1)
    same_files(a, out, tmp_path)
    assert set(a.tables["tornado"].columns) >= {"input"}


def test_national_matches_the_command_and_joins_to_the_areas_file(cli, tmp_path):
    pd = pytest.importorskip("pandas")
    out = tmp_path / "cli"
    cli("national", "--areas", str(AREAS), "--template", str(TEMPLATE), "--paths", "200", "--seed", "3", "--threads", "2", "--out", str(out))
    a = carefund.national(str(AREAS), str(TEMPLATE), paths=200, seed=3, threads=2)
    same_files(a, out, tmp_path)
    areas = pd.read_csv(AREAS)
    joined = areas.merge(a.tables["areas"], on="area", suffixes=("", "_result"))
    assert len(joined) == len(areas)
    # A DataFrame of areas gives the same table as the file it was read from.
    b = carefund.national(areas, str(TEMPLATE), paths=200, seed=3, threads=2)
    assert b.files["areas.csv"] == a.files["areas.csv"]


def test_bad_analysis_options_raise():
    with pytest.raises(carefund.ScenarioError) as e:
        carefund.stress(str(SWINDON), "scepticall", paths=100)
    assert e.value.suggestion == "sceptical"
    with pytest.raises(ValueError, match="output"):
        carefund.sensitivity(str(SWINDON), "profit", paths=100)
    with pytest.raises(ValueError):
        carefund.compare([str(SWINDON)], paths=100)
