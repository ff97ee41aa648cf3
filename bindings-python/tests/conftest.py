"""Shared helpers: the fixture world every host runs, and envelope builders."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

import fmcg

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures"
AT = "2026-03-02T03:00:00Z"


def lines(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (FIXTURES / name).read_text().splitlines() if line.strip()]


def envelope(command_id: str, actor: str, command: dict[str, Any]) -> dict[str, Any]:
    return {"command_id": command_id, "actor": actor, "device_id": "pytest", "recorded_at": AT, "command": command}


def contract_json(value: Any) -> Any:
    """A value as its JSON contract form: decimals back to their strings."""
    return json.loads(json.dumps(value, default=str))


@pytest.fixture
def world() -> fmcg.Engine:
    engine = fmcg.Engine()
    for env in lines("small_distributor.jsonl"):
        engine.apply(env)
    return engine
