"""Sync on the server side through Python: push, pull, scoped snapshots and their errors."""

from __future__ import annotations

from typing import Any

import pytest

import fmcg
from conftest import lines

NOW = "2026-03-02T03:00:00Z"


@pytest.fixture()
def engine() -> fmcg.Engine:
    engine = fmcg.Engine()
    for env in lines("small_distributor.jsonl"):
        engine.apply(env)
    return engine


def offline(command_id: str, command: dict[str, Any], actor: str = "REP-1") -> dict[str, Any]:
    return {"command_id": command_id, "actor": actor, "device_id": "phone-1",
            "recorded_at": "2026-03-02T02:00:00Z", "command": command}


ORDER = {"type": "submit_order", "order_id": "SO-OFF", "outlet": "O-001", "warehouse": "W1",
         "lines": [{"sku": "COLA-330", "qty": 2000}]}


def test_an_offline_shortfall_is_adjusted_and_a_retry_returns_the_same_answer(engine: fmcg.Engine) -> None:
    request = {"device_id": "phone-1", "device_now": NOW, "commands": [offline("c1", ORDER)]}
    first = engine.push("REP-1", request, NOW)
    (result,) = first["results"]
    assert result["status"] == "adjusted"
    assert result["adjustments"] == [{"type": "backordered", "order_id": "SO-OFF", "lines": [
        {"line_no": 1, "sku": "COLA-330", "ordered": 2000, "allocated": 1680}]}]
    again = engine.push("REP-1", request, NOW)
    assert again["results"] == first["results"]
    assert engine.last_seq == first["server_seq"]


def test_pull_and_snapshot_are_scoped(engine: fmcg.Engine) -> None:
    base = engine.last_seq
    engine.push("REP-1", {"device_id": "phone-1", "commands": [offline("c1", ORDER)]}, NOW)
    mine = engine.pull("REP-1", {"since_seq": base})
    theirs = engine.pull("REP-2", {"since_seq": base})
    assert mine["to_seq"] == theirs["to_seq"] == engine.last_seq
    assert any(e["event"]["type"] == "order_submitted" for e in mine["events"])
    assert not any(e["event"]["type"] == "order_submitted" for e in theirs["events"])
    snapshot = engine.scoped_snapshot("REP-2")
    assert snapshot["seq"] == engine.last_seq
    assert sorted(snapshot["state"]["outlets"]) == ["O-003"]
    assert "PL-SUPER" not in snapshot["state"]["catalog"]["price_lists"]
    # Since the beginning, REP-2's outlets were created: a fresh snapshot instead of events.
    assert engine.pull("REP-2", {"since_seq": 0})["resync"]["seq"] == engine.last_seq
    # A stock move of someone else's order keeps the quantity, not the document.
    moves = [e["event"] for e in theirs["events"] if e["event"]["type"] == "stock_moved"]
    assert {"type": "withheld"} in [m["reference"] for m in moves]


def test_sync_errors_are_typed(engine: fmcg.Engine) -> None:
    with pytest.raises(fmcg.InvalidInput):
        engine.pull("REP-1", {"since_seq": engine.last_seq + 1})
    with pytest.raises(fmcg.PermissionDenied):
        engine.pull("GHOST", {"since_seq": 0})
    with pytest.raises(fmcg.PermissionDenied):
        engine.push("GHOST", {"device_id": "x", "commands": []}, NOW)
    with pytest.raises(fmcg.InvalidInput):
        engine.push("REP-1", {"device_id": "x", "commands": [{"command_id": "bad"}]}, NOW)
    response = engine.push("REP-1", {"device_id": "x", "commands": [offline("c9", ORDER, actor="REP-2")]}, NOW)
    assert response["results"][0]["status"] == "rejected"
    assert response["results"][0]["error"]["kind"] == "permission_denied"
