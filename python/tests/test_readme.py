"""The README's Python example runs as written (from the repository's root)."""

import re

from conftest import REPO


def test_the_readmes_python_example_runs(monkeypatch, capsys):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## From Python\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1
    assert len(blocks[0].strip().splitlines()) == 5
    monkeypatch.chdir(REPO)
    exec(compile(blocks[0], "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "cum_net" in out and "p50" in out
