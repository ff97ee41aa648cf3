"""The engine through Python: the shared scenario, money as Decimal, idempotency,
atomicity, journal, snapshots."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

import fmcg
from conftest import FIXTURES, contract_json, envelope, lines


def available(engine: fmcg.Engine, sku: str) -> int:
    rows = engine.query("admin", {"type": "stock", "location": "W1", "sku": sku})["rows"]
    return sum(r["available"] for r in rows)


def test_the_shared_scenario_gives_the_recorded_events(world: fmcg.Engine) -> None:
    events = []
    for env in lines("scenario_order_cancel.jsonl"):
        events.extend(world.apply(env)["events"])
    expected = json.loads((FIXTURES / "expected" / "scenario_order_cancel.events.json").read_text())
    assert contract_json(events) == expected


def test_availability_drops_with_an_order_and_returns_when_it_is_cancelled(world: fmcg.Engine) -> None:
    before = available(world, "COLA-330")
    submit, cancel = lines("scenario_order_cancel.jsonl")
    world.apply(submit)
    assert available(world, "COLA-330") == before - 48
    world.apply(cancel)
    assert available(world, "COLA-330") == before


def test_money_crosses_as_decimal_both_ways(world: fmcg.Engine) -> None:
    out = world.apply(envelope("py-1", "REP-1", {
        "type": "submit_order", "order_id": "SO-PY", "outlet": "O-001", "warehouse": "W1",
        "lines": [{"sku": "CHIPS-70", "qty": 3, "unit_price": Decimal("3.333")}]}))
    order = out["events"][0]["event"]["order"]
    assert isinstance(order["total"], Decimal)
    line = order["lines"][0]
    assert isinstance(line["net_amount"], Decimal)
    assert line["net_amount"] == Decimal("10.00"), "3 × 3.333 = 9.999, rounded half-even to the cent"
    assert isinstance(line["tax_rate"], Decimal)


def test_a_repeated_command_id_returns_the_original_outcome(world: fmcg.Engine) -> None:
    submit = lines("scenario_order_cancel.jsonl")[0]
    first = world.apply(submit)
    seq = world.last_seq
    assert world.apply(submit) == first
    assert world.last_seq == seq


def test_a_rejected_command_changes_nothing(world: fmcg.Engine) -> None:
    before = world.snapshot()
    with pytest.raises(fmcg.InsufficientStock):
        world.apply(envelope("py-2", "REP-1", {
            "type": "submit_order", "order_id": "SO-BIG", "outlet": "O-001", "warehouse": "W1",
            "lines": [{"sku": "CHIPS-70", "qty": 5}, {"sku": "COLA-330", "qty": 10**6}]}))
    assert world.snapshot() == before


def test_events_since_returns_the_tail_in_order(world: fmcg.Engine) -> None:
    last = world.last_seq
    tail = world.events_since(last - 3)
    assert [e["seq"] for e in tail] == [last - 2, last - 1, last]
    assert world.events_since(last) == []
    for bad in (-1, 1.5, "3"):
        with pytest.raises(fmcg.InvalidInput):
            world.events_since(bad)  # type: ignore[arg-type]


def test_a_journal_is_reopened_with_the_same_history(tmp_path: object) -> None:
    path = f"{tmp_path}/engine.journal"
    engine = fmcg.Engine.open(path, fsync="never")
    for env in lines("small_distributor.jsonl"):
        engine.apply(env)
    engine.sync()
    seq = engine.last_seq
    del engine
    again = fmcg.Engine.open(path)
    assert again.last_seq == seq
    assert again.query("admin", {"type": "skus"})["rows"][0]["id"] == "CHIPS-70"


def test_a_snapshot_restores_an_equal_engine(world: fmcg.Engine) -> None:
    restored = fmcg.Engine.restore(world.snapshot())
    assert restored.last_seq == world.last_seq
    assert restored.events_since(0) == world.events_since(0)


def test_queries_are_scoped_to_the_actor(world: fmcg.Engine) -> None:
    mine = {o["id"] for o in world.query("REP-1", {"type": "outlets"})["rows"]}
    everyone = {o["id"] for o in world.query("admin", {"type": "outlets"})["rows"]}
    assert mine < everyone
    with pytest.raises(fmcg.PermissionDenied):
        world.query("REP-1", {"type": "outlet", "outlet_id": "O-003"})


def test_the_schema_describes_the_contract() -> None:
    s = fmcg.schema()
    assert isinstance(s, dict)
    text = json.dumps(s)
    assert "submit_order" in text and "order_submitted" in text


def test_list_queries_come_back_as_arrow_tables(world: fmcg.Engine) -> None:
    import pyarrow as pa
    import polars as pl

    world.apply(lines("scenario_order_cancel.jsonl")[0])
    stock = world.query_table("admin", {"type": "stock", "location": "W1"})
    assert isinstance(stock, pa.Table)
    rows = world.query("admin", {"type": "stock", "location": "W1"})["rows"]
    assert stock.column("sku").to_pylist() == [r["sku"] for r in rows]
    assert stock.schema.field("available").type == pa.int64()
    assert stock.schema.field("expiry").type == pa.date32()

    orders = world.query_table("admin", {"type": "orders"})
    assert orders.schema.field("total").type == pa.decimal128(38, 2)
    assert orders.column("total").to_pylist() == [Decimal("184.91")]
    frame = pl.from_arrow(orders)
    assert isinstance(frame, pl.DataFrame)
    assert frame["status"].to_list() == ["allocated"]

    with pytest.raises(fmcg.InvalidInput):
        world.query_table("admin", {"type": "skus"})
