"""The Python snippets of the README and the docs run as written."""

from __future__ import annotations

import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def test_every_python_block_of_the_readme_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "the README has Python examples"
    for block in blocks:
        exec(compile(block, str(README), "exec"), {})  # noqa: S102 - our own README


@pytest.mark.parametrize("name", ["routing.md", "field.md", "sync.md"])
def test_every_python_block_of_the_guides_runs(name: str) -> None:
    guide = ROOT / "docs" / name
    blocks = re.findall(r"```python\n(.*?)```", guide.read_text(), flags=re.S)
    assert blocks, f"{name} has Python examples"
    for block in blocks:
        exec(compile(block, str(guide), "exec"), {})  # noqa: S102 - our own docs
