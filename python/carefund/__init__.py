"""carefund: Monte Carlo stress tests of pooled health and social care funds."""

from ._carefund import Scenario, ScenarioError, __version__

__all__ = ["Scenario", "ScenarioError", "__version__"]
