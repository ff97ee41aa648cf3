"""Routing through Python: the shared routing vectors, a time-limited solve, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

import fmcg
from conftest import FIXTURES

CASES: list[dict[str, Any]] = json.loads((FIXTURES / "routing_cases.json").read_text())


def subset(want: Any, got: Any) -> bool:
    if isinstance(want, dict):
        return isinstance(got, dict) and all(k in got and subset(v, got[k]) for k, v in want.items())
    return bool(want == got)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_shared_routing_case(case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(fmcg.InvalidInput) as info:
            fmcg.route(case["request"])
        assert info.value.kind == case["error"]["kind"]
        if "field" in case["error"]:
            assert info.value.field == case["error"]["field"]
    else:
        got = fmcg.route(case["request"])
        assert subset(case["expect"], got), got


def test_a_time_limited_tour_of_haversine_points_is_a_permutation() -> None:
    points = [{"lat": 31.2 + (k * 37 % 100) / 2000, "lon": 121.4 + (k * 53 % 100) / 2000} for k in range(120)]
    matrix = fmcg.route({"type": "matrix", "points": points, "speed_kmh": 30})
    route = fmcg.route({"type": "tsp", "matrix": matrix, "budget": {"time_limit_ms": 50}})
    order = [s["point"] for s in route["stops"]]
    assert order[0] == order[-1] == 0
    assert sorted(order[:-1]) == list(range(120))
    geo = fmcg.route({"type": "geojson", "routes": [route], "points": points})
    assert geo["type"] == "FeatureCollection"
    assert geo["features"][0]["geometry"]["type"] == "LineString"


def test_a_beat_plan_gives_every_outlet_its_visits() -> None:
    points = [{"lat": 31.2 + (k * 37 % 100) / 1000, "lon": 121.4 + (k * 53 % 100) / 1000} for k in range(41)]
    matrix = fmcg.route({"type": "matrix", "points": points, "speed_kmh": 30})
    outlets = [{"point": k, "visits": [1, 2, 4][k % 3], "service_s": 600} for k in range(1, 41)]
    plan = fmcg.route({"type": "beats", "matrix": matrix, "home": 0, "outlets": outlets, "budget": {"iterations": 20}})
    assert len(plan["days"]) == 20
    assert [len(v) for v in plan["visit_days"]] == [o["visits"] for o in outlets]


def test_bad_routing_input_is_a_typed_error() -> None:
    with pytest.raises(fmcg.InvalidInput):
        fmcg.route({"type": "tsp", "matrix": {"metres": [[0, -1], [1, 0]]}})
    with pytest.raises(fmcg.InvalidInput):
        fmcg.route({"type": "matrix", "points": [{"lat": float("nan"), "lon": 0}], "speed_kmh": 30})
    with pytest.raises(fmcg.InvalidInput):
        fmcg.route("not a request")  # type: ignore[arg-type]
