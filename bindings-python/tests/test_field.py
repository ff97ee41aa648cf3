"""Field operations through Python: the scripted day replayed, alerts, board, tracks, errors."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

import fmcg
from conftest import FIXTURES, contract_json, lines

DATE = "2026-03-03"
NIGHT = "2026-03-03T16:30:00Z"


@pytest.fixture(scope="module")
def day() -> fmcg.Engine:
    engine = fmcg.Engine()
    for env in lines("small_distributor.jsonl") + lines("field_day.jsonl"):
        engine.apply(env)
    return engine


def env(command_id: str, actor: str, command: dict[str, Any], at: str = "2026-03-04T01:00:00Z") -> dict[str, Any]:
    return {"command_id": command_id, "actor": actor, "device_id": "pytest", "recorded_at": at, "command": command}


def test_the_scripted_day_raises_exactly_the_recorded_alerts(day: fmcg.Engine) -> None:
    rows = day.query("SUP-1", {"type": "alerts", "date": DATE, "at": NIGHT})["rows"]
    expected = json.loads((FIXTURES / "expected" / "field_day.alerts.json").read_text())
    assert contract_json(rows) == expected
    own = day.query("REP-1", {"type": "alerts", "date": DATE, "at": NIGHT})["rows"]
    assert [a["kind"] for a in own] == ["check_in_outside_geofence"] * 2


def test_van_trip_and_settlements_reconcile(day: fmcg.Engine) -> None:
    assert day.query("admin", {"type": "stock", "location": "V1"})["rows"] == []
    fd = contract_json(day.query("SUP-1", {"type": "field_day", "date": DATE}))
    variance = {s["staff"]: s["variance"] for s in fd["settlements"]}
    assert variance == {"REP-1": "0.00", "DRV-1": "-10.00"}
    (trip,) = fd["trips"]
    assert [(r["sku"], r["loaded"], r["delivered"], r["returned"], r["damaged"]) for r in trip["reconciliation"]] == [
        ("COLA-330", 72, 36, 36, 0),
        ("WATER-550", 48, 46, 0, 2),
    ]


def test_track_board_and_geojson(day: fmcg.Engine) -> None:
    track = day.query("REP-1", {"type": "track", "staff": "REP-1", "date": DATE})["track"]
    assert track["fixes"] > 1000
    assert len(track["stays"]) >= 24
    assert 10_000 < track["distance_m"] < 40_000
    board = {r["staff"]: r for r in day.query("SUP-1", {"type": "board", "at": "2026-03-03T03:00:00Z"})["rows"]}
    assert board["REP-1"]["planned"] == 24
    assert board["REP-1"]["status"] in {"visiting", "travelling"}
    geo = day.query("SUP-1", {"type": "field_geojson", "staff": "REP-1", "date": DATE})["geojson"]
    kinds = {f["properties"]["kind"] for f in geo["features"]}
    assert {"track", "stay", "planned_route", "actual_route", "check_in"} <= kinds


def test_permissions_and_bad_fixes_change_nothing() -> None:
    engine = fmcg.Engine()
    for e in lines("small_distributor.jsonl") + lines("field_day.jsonl"):
        engine.apply(e)
    engine.apply(env("plan", "SUP-1", {"type": "plan_work_day", "staff": "REP-1", "date": "2026-03-04",
                                       "stops": [{"outlet": "F-01"}, {"outlet": "F-02"}]}))
    engine.apply(env("rc", "REP-1", {"type": "request_route_change", "request_id": "RC-PY", "date": "2026-03-04",
                                     "change": {"type": "skip", "outlet": "F-01"}, "reason": "closed"}))
    seq = engine.last_seq
    with pytest.raises(fmcg.PermissionDenied):
        engine.apply(env("d", "DRV-1", {"type": "decide_route_change", "request_id": "RC-PY", "approve": True}))
    with pytest.raises(fmcg.PermissionDenied):
        engine.query("REP-2", {"type": "track", "staff": "REP-1", "date": DATE})
    fixes = {"t_ms": [1, 2], "lat": [31.2, math.nan], "lon": [121.4, 121.4], "accuracy_m": [5.0, 5.0]}
    with pytest.raises(fmcg.InvalidInput):
        engine.apply(env("nan", "REP-1", {"type": "ingest_fixes", "fixes": fixes}))
    fixes = {"t_ms": [5, 5], "lat": [31.2, 31.2], "lon": [121.4, 121.4], "accuracy_m": [5.0, 5.0]}
    with pytest.raises(fmcg.InvalidInput) as info:
        engine.apply(env("dup", "REP-1", {"type": "ingest_fixes", "fixes": fixes}))
    assert info.value.field == "fixes.t_ms"
    assert engine.last_seq == seq
    engine.apply(env("ok", "SUP-1", {"type": "decide_route_change", "request_id": "RC-PY", "approve": True}))
    stops = engine.query("SUP-1", {"type": "field_day", "date": "2026-03-04", "staff": "REP-1"})["days"][0]["stops"]
    assert [s["outlet"] for s in stops] == ["F-02"]
