"""carefund from Python: Monte Carlo stress tests of pooled health and social care funds.

A thin layer over the carefund library (Rust): every number comes from the same code as
the ``carefund`` command, bit for bit for the same scenario, seed and paths.

>>> import carefund
>>> swindon = carefund.Scenario.from_file("data/scenarios/swindon-2015.toml")
>>> result = carefund.run(swindon, paths=10_000, seed=1)
>>> result.rating, result.headline["p_break_even"]
>>> result.periods                      # tidy DataFrame: period, quantity, statistic, value

Tables are pandas DataFrames when pandas is installed, otherwise dicts of numpy arrays
(column name -> array). Per-path columns are moved from Rust into numpy without a copy.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

import numpy as np

from . import _carefund
from ._carefund import Scenario, ScenarioError, __version__

try:  # pandas is optional: without it, tables are dicts of numpy arrays.
    import pandas as _pd
except ImportError:  # pragma: no cover - exercised by the no-pandas test in a subprocess
    _pd = None

__all__ = [
    "Analysis",
    "Result",
    "Scenario",
    "ScenarioError",
    "__version__",
    "compare",
    "do_nothing",
    "evpi",
    "national",
    "run",
    "sensitivity",
    "stress",
]

#: A progress callback: called with the stage's name (``"plan run"``), how many units
#: are done and how many the stage counts, about ten times a second.
ProgressCallback = Callable[[str, int, int], None]
PathLike = Union[str, "os.PathLike[str]"]

#: The statistics of each quantity in each period, in the order of ``summary.json``.
STATISTICS = ("mean", "sd", "se", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99")


def _table(columns: Dict[str, np.ndarray]) -> Any:
    """A DataFrame over ``columns`` (sharing their memory) or, without pandas, the dict."""
    if _pd is None:
        return columns
    return _pd.DataFrame(columns, copy=False)


def _scenario(scenario: Union[Scenario, PathLike]) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, (str, os.PathLike)):
        return Scenario.from_file(scenario)
    raise TypeError(f"expected a carefund.Scenario or a path to a scenario file, got {type(scenario).__name__}")


class _TextBar:
    """The progress shown by ``progress=True`` when tqdm is not installed."""

    def __init__(self) -> None:
        self.stage: Optional[str] = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage and self.stage is not None:
            sys.stderr.write("\n")
        self.stage = stage
        share = done / total if total else 1.0
        sys.stderr.write(f"\r{stage}: {done:,}/{total:,} ({share:.0%})")
        sys.stderr.flush()

    def close(self) -> None:
        if self.stage is not None:
            sys.stderr.write("\n")


class _TqdmBars:
    """One tqdm bar per stage (``progress=True`` with tqdm installed)."""

    def __init__(self, tqdm: Any) -> None:
        self.tqdm = tqdm
        self.bar: Any = None
        self.stage: Optional[str] = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.bar = self.tqdm(total=total, desc=stage, unit="path", unit_scale=True)
            self.stage = stage
        if self.bar.total != total:
            self.bar.total = total
            self.bar.refresh()
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _progress(progress: Union[None, bool, ProgressCallback]) -> Any:
    """The callback the extension calls, and what to close after the run."""
    if progress is None or progress is False:
        return None
    if progress is True:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            return _TextBar()
        return _TqdmBars(tqdm)
    if callable(progress):
        return progress
    raise TypeError("progress must be None, True (a progress bar) or a callable(stage, done, total)")


def _call(work: Callable[[Any], Any], progress: Union[None, bool, ProgressCallback]) -> Any:
    callback = _progress(progress)
    try:
        return work(callback)
    finally:
        close = getattr(callback, "close", None)
        if isinstance(callback, (_TextBar, _TqdmBars)) and close is not None:
            close()


class Result:
    """What :func:`run` produced: the verdict, ``summary.json``, per-period statistics and
    per-path columns of the plan's run.

    Attributes are computed on first use and kept. ``str(result)`` is the verdict as the
    ``carefund run`` command prints it.
    """

    def __init__(self, inner: "_carefund.RunResult", scenario: Scenario) -> None:
        self._inner = inner
        self.scenario: Scenario = scenario
        self._summary: Optional[Dict[str, Any]] = None
        self._columns: Optional[Dict[str, np.ndarray]] = None

    def __repr__(self) -> str:
        h = self.headline
        return (
            f"<carefund.Result {self.scenario.name!r}: {self.rating}, "
            f"P(break even) = {h['p_break_even']:.3f}, {self.summary['meta']['paths']:,} paths>"
        )

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The verdict, its reasons and the headline numbers, as ``carefund run`` prints them."""
        return self._inner.text()

    @property
    def summary_json(self) -> str:
        """``summary.json`` as text: the very bytes ``carefund run`` writes."""
        return self._inner.json()

    @property
    def summary(self) -> Dict[str, Any]:
        """``summary.json`` as a dict (docs/model.md §5 says what each number is)."""
        if self._summary is None:
            self._summary = json.loads(self.summary_json)
        return self._summary

    @property
    def rating(self) -> str:
        """The credibility rating (``summary["rating"]``)."""
        return self.summary["rating"]

    @property
    def reasons(self) -> List[str]:
        """Why the plan got its rating, in words."""
        return list(self.summary["reasons"])

    @property
    def headline(self) -> Dict[str, Any]:
        """The headline metrics (``summary["headline"]``): P(break even), percentiles of
        the cumulative net, the break-even year, and more."""
        return self.summary["headline"]

    @property
    def periods(self) -> Any:
        """Per-period statistics over paths, tidy: one row per period, quantity and
        statistic, with columns ``period`` (label, e.g. ``2015/16 Q1``), ``quantity``
        (``cum_net``, ``avoided``, …), ``statistic`` (``mean``, ``sd``, ``se``, ``p1`` …
        ``p99``) and ``value``; the numbers of ``summary.json``."""
        period, quantity, statistic, value = [], [], [], []
        for p in self.summary["periods"]:
            for q, stats in p["quantities"].items():
                for s in STATISTICS:
                    period.append(p["label"])
                    quantity.append(q)
                    statistic.append(s)
                    value.append(stats[s])
        return _table(
            {
                "period": np.array(period, dtype=object),
                "quantity": np.array(quantity, dtype=object),
                "statistic": np.array(statistic, dtype=object),
                "value": np.array(value, dtype=np.float64),
            }
        )

    def columns(self) -> Dict[str, np.ndarray]:
        """Every per-path column as a numpy array (float64, one value per path, in path
        order): the results of each path (``npv``, ``cum_net``, ``break_even_period`` …),
        then every input it drew under its name. The arrays are moved out of Rust without
        a copy."""
        if self._columns is None:
            self._columns = dict(self._inner.take_columns())
        return self._columns

    @property
    def paths(self) -> Any:
        """One row per path: the path's results, then the inputs it drew (the columns of
        ``paths.csv``). A DataFrame over the arrays of :meth:`columns`, sharing their
        memory; a dict of them without pandas."""
        return _table(self.columns())

    def to_numpy(self, quantity: str) -> np.ndarray:
        """Every path's value of a per-period ``quantity`` (``cum_net``, ``net``,
        ``avoided``, ``cashable``, … as in :attr:`periods`) in every period: an array of
        shape (paths, periods). Needs the values, which runs of up to 100,000 paths keep
        by default (``percentiles="exact"`` keeps them for any run)."""
        return self._inner.per_period(quantity)

    def write(
        self,
        out_dir: PathLike,
        *,
        charts: str = "png",
        paths_file: bool = True,
        workbook: bool = False,
        page: bool = False,
    ) -> List[str]:
        """Write the files ``carefund run`` writes (``summary.json``, ``percentiles.csv``,
        ``paths.csv``, ``evidence.csv``, the charts, and ``manifest.json`` with each
        file's SHA-256) into ``out_dir``, as the command writes ``--out``. ``charts``:
        ``"png"``, ``"svg"``, ``"both"`` or ``"none"``; ``workbook``/``page`` add
        ``report.xlsx``/``report.html``. Files are written into a staging directory beside
        ``out_dir`` that is swapped in at the end, so ``out_dir`` holds the previous
        complete set or the new one, never a mix, even if the process is killed. An
        existing ``out_dir`` may hold other files: the files of the previous write (those
        its ``manifest.json`` lists) are replaced, anything else is kept. Raises
        ``NotADirectoryError`` when ``out_dir`` is or lies under a file, ``ValueError``
        when it is the current directory or above it. Returns the names written,
        ``manifest.json`` last."""
        return self._inner.write(os.fspath(out_dir), charts, paths_file, workbook, page)


def run(
    scenario: Union[Scenario, PathLike],
    paths: int = 10_000,
    seed: int = 20_150_401,
    threads: Optional[int] = None,
    sampling: Optional[str] = None,
    *,
    percentiles: str = "auto",
    evpi: Optional[str] = None,
    evidence: Optional[PathLike] = None,
    progress: Union[None, bool, ProgressCallback] = None,
) -> Result:
    """Run a scenario as ``carefund run`` does: the plan's run and the evidence run on
    the same paths.

    ``scenario``: a :class:`Scenario` or the path of a scenario file. ``paths``, ``seed``
    and ``threads`` (None: one per core) as on the command line; results never depend
    on ``threads``. ``sampling``: ``"monte-carlo"``, ``"lhs"`` or None (the scenario's
    own). ``percentiles``: ``"auto"``, ``"exact"`` or ``"sketch"`` (how per-period
    percentiles are kept). ``evpi``: also the EVPI of funding the plan against doing
    nothing, valuing each path by ``"npv"``, ``"cum_net"`` or a party's position.
    ``evidence``: an evidence file instead of the built-in one. ``progress``: True for a
    progress bar (tqdm when installed), or a callable(stage, done, total).

    The GIL is released while the paths run, so other Python threads keep going, and
    Ctrl-C interrupts the call (an abandoned run stops at its next stage).

    Raises :class:`ScenarioError` for bad input and ValueError for bad options.
    """
    s = _scenario(scenario)
    ev = None
    if evidence is not None:
        with open(evidence, encoding="utf-8") as f:
            ev = (f.read(), os.fspath(evidence))
    inner = _call(
        lambda cb: _carefund.run(s, paths, seed, threads, sampling, percentiles, evpi, ev, cb),
        progress,
    )
    return Result(inner, s)


def _read_csv(data: bytes) -> Any:
    """A CSV file the command writes, as a DataFrame or (without pandas) a dict of numpy
    arrays: float64 where every cell is a number (empty cells NaN), text otherwise."""
    if _pd is not None:
        return _pd.read_csv(io.BytesIO(data))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    header, body = rows[0], rows[1:]
    columns: Dict[str, np.ndarray] = {}
    for k, name in enumerate(header):
        cells = [r[k] if k < len(r) else "" for r in body]
        try:
            columns[name] = np.array([float(c) if c != "" else np.nan for c in cells], dtype=np.float64)
        except ValueError:
            columns[name] = np.array(cells, dtype=object)
    return columns


class Analysis:
    """The results of :func:`stress`, :func:`compare`, :func:`evpi`,
    :func:`sensitivity` or :func:`national`: the command's text, its JSON files as dicts
    and its CSV files as DataFrames (dicts of numpy arrays without pandas), and
    :meth:`write` for every file the command writes.

    ``analysis.data["stress"]`` is ``stress.json``; ``analysis.tables["stress"]`` is
    ``stress.csv`` (file names without their extension).
    """

    def __init__(self, inner: "_carefund.Analysis", kind: str) -> None:
        self._inner = inner
        self.kind = kind
        self._files: Optional[Dict[str, bytes]] = None

    def __repr__(self) -> str:
        return f"<carefund.Analysis {self.kind}: data {sorted(self.data)}, tables {sorted(self.tables)}>"

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """What the command prints."""
        return self._inner.text()

    @property
    def files(self) -> Dict[str, bytes]:
        """The JSON and CSV files the command writes, by name, as bytes."""
        if self._files is None:
            self._files = dict(self._inner.tables())
        return self._files

    @property
    def data(self) -> Dict[str, Any]:
        """Every JSON file, parsed, by name without ``.json``."""
        return {n[: -len(".json")]: json.loads(b) for n, b in self.files.items() if n.endswith(".json")}

    @property
    def tables(self) -> Dict[str, Any]:
        """Every CSV file as a table, by name without ``.csv``."""
        return {n[: -len(".csv")]: _read_csv(b) for n, b in self.files.items() if n.endswith(".csv")}

    def write(self, out_dir: PathLike, *, charts: str = "png", workbook: bool = False, page: bool = False) -> List[str]:
        """Write every file the command writes (tables and charts; ``workbook``/``page``
        add ``report.xlsx``/``report.html``; ``manifest.json`` last) into ``out_dir``, as
        :meth:`Result.write` does: the previous write's files are replaced as one set,
        other files kept. Returns the names written."""
        return self._inner.write(os.fspath(out_dir), charts, workbook, page)


def _text_of(path: PathLike) -> "tuple[str, str]":
    with open(path, encoding="utf-8") as f:
        return f.read(), os.fspath(path)


def stress(
    scenario: Union[Scenario, PathLike],
    pack: Optional[str] = "sceptical",
    *,
    file: Optional[PathLike] = None,
    paths: int = 10_000,
    seed: int = 20_150_401,
    threads: Optional[int] = None,
    progress: Union[None, bool, ProgressCallback] = None,
) -> Analysis:
    """Stress a scenario as ``carefund stress`` does: the base run and every stress of a
    built-in ``pack`` (``"sceptical"``) or of a stress ``file`` on the same paths.
    ``data["stress"]`` and ``tables["stress"]`` hold each stress's change to the headline
    metrics with its paired standard error."""
    s = _scenario(scenario)
    f = _text_of(file) if file is not None else None
    return Analysis(
        _call(lambda cb: _carefund.stress(s, None if f else pack, f, paths, seed, threads, cb), progress),
        "stress",
    )


def compare(
    scenarios: "Sequence[Union[Scenario, PathLike]]",
    *,
    paths: int = 10_000,
    seed: int = 20_150_401,
    threads: Optional[int] = None,
    voi: bool = False,
    value: str = "npv",
    scale: float = 1.0,
    groups: Optional[Dict[str, str]] = None,
    admission_value: float = 0.0,
    weights: Optional[List[float]] = None,
    progress: Union[None, bool, ProgressCallback] = None,
) -> Analysis:
    """Compare scenarios as ``carefund compare`` does: every scenario on the same paths,
    each pair's differences with paired standard errors (``tables["compare"]``). With
    ``voi=True``, also the value of information of choosing between them (``voi.json``,
    ``voi.csv``, ``acceptability.csv``), with ``value``, ``scale``, ``groups`` (name ->
    glob of input names), ``admission_value`` and ``weights`` as ``--voi``'s options."""
    ss = [_scenario(s) for s in scenarios]
    g = [f"{k}={v}" for k, v in (groups or {}).items()]
    return Analysis(
        _call(
            lambda cb: _carefund.compare(
                ss, paths, seed, threads, voi, value, scale, g, admission_value, list(weights or []), cb
            ),
            progress,
        ),
        "compare",
    )


def do_nothing(scenario: Union[Scenario, PathLike]) -> Scenario:
    """The "do nothing" option of a scenario (``carefund init --do-nothing``): no scheme
    costs or avoids anything and the plan claims nothing."""
    return _carefund.do_nothing(_scenario(scenario))


def evpi(
    scenario: Union[Scenario, PathLike, "List[Union[Scenario, PathLike]]"],
    *,
    value: str = "npv",
    paths: int = 10_000,
    seed: int = 20_150_401,
    threads: Optional[int] = None,
    scale: float = 1.0,
    groups: Optional[Dict[str, str]] = None,
    admission_value: float = 0.0,
    weights: Optional[List[float]] = None,
    progress: Union[None, bool, ProgressCallback] = None,
) -> Analysis:
    """The value of information of a decision, as ``carefund compare --voi``: between
    the given scenarios, or for one scenario between funding its plan and doing nothing
    (:func:`do_nothing`). ``data["voi"]`` holds the EVPI and the EVPPI of every input and
    group; ``tables["voi"]`` and ``tables["acceptability"]`` the tables."""
    if isinstance(scenario, (list, tuple)):
        options = [_scenario(s) for s in scenario]
    else:
        plan = _scenario(scenario)
        options = [plan, do_nothing(plan)]
    return compare(
        options,
        paths=paths,
        seed=seed,
        threads=threads,
        voi=True,
        value=value,
        scale=scale,
        groups=groups,
        admission_value=admission_value,
        weights=weights,
        progress=progress,
    )


def sensitivity(
    scenario: Union[Scenario, PathLike],
    output: str = "cum_net",
    method: str = "all",
    *,
    paths: int = 10_000,
    seed: int = 20_150_401,
    threads: Optional[int] = None,
    sobol_rows: Optional[int] = None,
    bootstrap: Optional[int] = None,
    progress: Union[None, bool, ProgressCallback] = None,
) -> Analysis:
    """Which inputs drive an ``output`` (``"cum_net"``, ``"npv"``, ``"avoided"``), as
    ``carefund sensitivity``: ``method`` ``"tornado"``, ``"swing"``, ``"sobol"`` or
    ``"all"``; the tables are ``tornado``, ``swing`` and ``sobol``."""
    s = _scenario(scenario)
    return Analysis(
        _call(
            lambda cb: _carefund.sensitivity(s, output, method, paths, seed, threads, sobol_rows, bootstrap, cb),
            progress,
        ),
        "sensitivity",
    )


def national(
    areas: Any,
    template: Union[Scenario, PathLike],
    *,
    paths: int = 10_000,
    seed: int = 20_150_401,
    threads: Optional[int] = None,
    effect_correlation: Optional[float] = None,
    growth_correlation: Optional[float] = None,
    progress: Union[None, bool, ProgressCallback] = None,
) -> Analysis:
    """Every local plan at once, as ``carefund national``: ``template`` applied to each
    row of ``areas`` (a path to an areas CSV file, or a DataFrame with its columns:
    ``area``, ``pooled``, ``baseline_admissions``, ``target_reduction`` and optional
    override columns). ``tables["areas"]`` has one row per area, ``data["national"]`` the
    national totals; the correlations default to the template's ``[national]``."""
    t = _scenario(template)
    if _pd is not None and isinstance(areas, _pd.DataFrame):
        text, origin = areas.to_csv(index=False), "<DataFrame>"
    else:
        text, origin = _text_of(areas)
    return Analysis(
        _call(
            lambda cb: _carefund.national(
                t.to_toml(), t.origin, text, origin, paths, seed, threads, effect_correlation, growth_correlation, cb
            ),
            progress,
        ),
        "national",
    )
