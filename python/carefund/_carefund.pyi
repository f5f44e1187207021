"""Type stubs of the Rust extension module ``carefund._carefund``.

Use the package ``carefund``: it re-exports Scenario and ScenarioError and wraps the
rest (``carefund.run`` returns a ``carefund.Result``).
"""

import os
from typing import Callable, Dict, List, Optional, Tuple, Union

import numpy as np
import numpy.typing as npt

__version__: str

_Progress = Optional[Callable[[str, int, int], None]]

class ScenarioError(ValueError):
    """A scenario (or other input) is malformed or breaks a rule of the model.

    ``str(e)`` is the full diagnostic (``file:line:column: `key`: problem (found value);
    allowed: …; did you mean …?``); its parts are attributes, None where unknown.
    """

    file: str
    line: Optional[int]
    column: Optional[int]
    key: Optional[str]
    value: Optional[str]
    problem: str
    allowed: Optional[str]
    suggestion: Optional[str]

class Scenario:
    """A scenario: the TOML text and the model checked from it. Never changes:
    ``with_values`` returns a modified copy."""

    @staticmethod
    def from_file(path: Union[str, "os.PathLike[str]"]) -> "Scenario":
        """Read and check a scenario file (TOML, UTF-8). Raises ScenarioError for a file
        that breaks a rule of the model, OSError when it cannot be read."""
    @staticmethod
    def from_toml(text: str, origin: str = "<string>") -> "Scenario":
        """Check a scenario from TOML text; ``origin`` names it in error messages."""
    def to_toml(self) -> str:
        """The TOML text: as read, or with the values of ``with_values`` written in.
        Raises ScenarioError when a held input is in a ``[[correlation]]`` group."""
    def with_values(self, values: Dict[str, float]) -> "Scenario":
        """A copy with inputs held at fixed values, by the names stress files use
        (``"costs.unit_cost"``, ``"scheme.<name>.effect"``, ``*`` wildcards)."""
    @property
    def name(self) -> str:
        """``[scenario] name``."""
    @property
    def origin(self) -> str:
        """The file (or origin) the scenario was read from."""
    @property
    def hash(self) -> str:
        """SHA-256 of the TOML text, as ``summary.json`` records it."""
    @property
    def inputs(self) -> List[str]:
        """The names of the uncertain inputs, in the order the model draws them."""

class RunResult:
    """What a run produced, held in Rust (wrapped by ``carefund.Result``)."""

    def text(self) -> str: ...
    def json(self) -> str: ...
    def take_columns(self) -> List[Tuple[str, npt.NDArray[np.float64]]]: ...
    def per_period(self, quantity: str) -> npt.NDArray[np.float64]: ...
    def write(self, out_dir: str, charts: str, paths_file: bool, workbook: bool, page: bool) -> List[str]: ...

def run(
    scenario: Scenario,
    paths: int,
    seed: int,
    threads: Optional[int],
    sampling: Optional[str],
    percentiles: str,
    evpi: Optional[str],
    evidence: Optional[Tuple[str, str]],
    progress: _Progress,
) -> RunResult: ...

class Analysis:
    """The results of an analysis, held in Rust (wrapped by ``carefund.Analysis``)."""

    def text(self) -> str: ...
    def tables(self) -> List[Tuple[str, bytes]]: ...
    def write(self, out_dir: str, charts: str, workbook: bool, page: bool) -> List[str]: ...

def stress(
    scenario: Scenario,
    pack: Optional[str],
    file: Optional[Tuple[str, str]],
    paths: int,
    seed: int,
    threads: Optional[int],
    progress: _Progress,
) -> Analysis: ...
def compare(
    scenarios: List[Scenario],
    paths: int,
    seed: int,
    threads: Optional[int],
    voi: bool,
    value: str,
    scale: float,
    groups: List[str],
    admission_value: float,
    weights: List[float],
    progress: _Progress,
) -> Analysis: ...
def do_nothing(scenario: Scenario) -> Scenario: ...
def sensitivity(
    scenario: Scenario,
    output: str,
    method: str,
    paths: int,
    seed: int,
    threads: Optional[int],
    sobol_rows: Optional[int],
    bootstrap: Optional[int],
    progress: _Progress,
) -> Analysis: ...
def national(
    template: str,
    template_origin: str,
    areas: str,
    areas_origin: str,
    paths: int,
    seed: int,
    threads: Optional[int],
    effect_correlation: Optional[float],
    growth_correlation: Optional[float],
    progress: _Progress,
) -> Analysis: ...
