"""Bad input from Python is a typed error, never a crash, and changes nothing."""

from __future__ import annotations

import datetime
import math
from typing import Any

import pytest

import fmcg
from conftest import envelope


def order(**line: Any) -> dict[str, Any]:
    return {"type": "submit_order", "order_id": "SO-X", "outlet": "O-001", "warehouse": "W1",
            "lines": [{"sku": "COLA-330", "qty": 1, **line}]}


BAD_COMMANDS = {
    "wrong type": order(qty="three"),
    "float quantity": order(qty=1.5),
    "nan": order(qty=math.nan),
    "infinity": order(unit_price=math.inf),
    "huge integer": order(qty=2**80),
    "huge quantity": order(qty=2**62),
    "float money": order(unit_price=1.25),
    "unknown sku": order(sku="NOPE"),
    "megabyte string": order(sku="x" * 1_000_000),
    "missing field": {"type": "submit_order", "order_id": "SO-X"},
    "unknown type": {"type": "launch_rocket"},
    "unknown field": {**order(), "colour": "red"},
    "bytes": order(sku=b"COLA-330"),
    "object": order(sku=object()),
    "naive datetime": {"type": "submit_order", "order_id": "SO-X", "outlet": "O-001", "warehouse": "W1",
                       "delivery_date": datetime.datetime(2026, 3, 3), "lines": [{"sku": "COLA-330", "qty": 1}]},
}


@pytest.mark.parametrize("command", BAD_COMMANDS.values(), ids=list(BAD_COMMANDS))
def test_bad_commands_are_typed_errors_and_change_nothing(world: fmcg.Engine, command: dict[str, Any]) -> None:
    before = world.snapshot()
    with pytest.raises(fmcg.FmcgError) as info:
        world.apply(envelope("bad-1", "REP-1", command))
    assert info.value.kind in {"invalid_input", "not_found"}
    assert world.snapshot() == before


@pytest.mark.parametrize("value", [None, 42, "text", [1, 2], {"command_id": 7}, {}])
def test_an_envelope_of_the_wrong_shape_is_invalid_input(world: fmcg.Engine, value: Any) -> None:
    with pytest.raises(fmcg.InvalidInput):
        world.apply(value)


def test_deeply_nested_input_is_refused_not_a_crash(world: fmcg.Engine) -> None:
    deep: Any = "x"
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(fmcg.InvalidInput):
        world.apply(envelope("deep", "admin", {"type": "create_territory", "territory": deep}))


def test_a_date_object_is_accepted_where_the_contract_has_a_date(world: fmcg.Engine) -> None:
    out = world.apply(envelope("d", "REP-1", {**order(), "delivery_date": datetime.date(2026, 3, 4)}))
    assert out["events"][0]["event"]["order"]["delivery_date"] == "2026-03-04"


def test_unknown_actors_and_bad_queries_are_typed_errors(world: fmcg.Engine) -> None:
    with pytest.raises(fmcg.PermissionDenied):
        world.apply(envelope("u", "nobody", order()))
    with pytest.raises(fmcg.InvalidInput):
        world.query("admin", {"type": "everything"})
    with pytest.raises(fmcg.InvalidInput):
        world.query("", {"type": "skus"})
    with pytest.raises(fmcg.InvalidInput):
        fmcg.Engine.open("/tmp/never-created", fsync="sometimes")


def test_json_text_in_gives_the_same_outcome_and_invalid_json_is_invalid_input(world: fmcg.Engine) -> None:
    import json

    from conftest import lines

    other = fmcg.Engine.restore(world.snapshot())
    submit = lines("scenario_order_cancel.jsonl")[0]
    assert other.apply_json(json.dumps(submit)) == world.apply(submit)
    for text in ["", "{", "null", '{"command_id": "x"', "[1, 2]", "\x00"]:
        with pytest.raises(fmcg.InvalidInput) as info:
            other.apply_json(text)
        assert info.value.field == "json"  # type: ignore[attr-defined]
