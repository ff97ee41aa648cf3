"""Every core error kind arrives as its own exception class under fmcg.FmcgError, with the
core error's fields; the vectors are shared with the other hosts."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

import fmcg
from conftest import FIXTURES, contract_json, envelope

CASES: list[dict[str, Any]] = json.loads((FIXTURES / "error_cases.json").read_text())
CLASSES = {
    "not_found": fmcg.NotFound,
    "already_exists": fmcg.AlreadyExists,
    "invalid_input": fmcg.InvalidInput,
    "insufficient_stock": fmcg.InsufficientStock,
    "permission_denied": fmcg.PermissionDenied,
    "credit_limit_exceeded": fmcg.CreditLimitExceeded,
    "conflict": fmcg.Conflict,
    "invalid_state": fmcg.InvalidState,
    "corrupt": fmcg.Corrupt,
    "io": fmcg.Io,
}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_each_error_kind_is_its_own_exception_with_its_fields(world: fmcg.Engine, case: dict[str, Any]) -> None:
    for i, step in enumerate(case["setup"]):
        world.apply(envelope(f"setup-{i}", step["actor"], step["command"]))
    before = world.snapshot()
    env = envelope(case.get("command_id", "case-1"), case["actor"], case["command"])
    expect = case["expect"]
    with pytest.raises(CLASSES[expect["kind"]]) as info:
        world.apply(env)
    e = info.value
    assert isinstance(e, fmcg.FmcgError)
    assert e.kind == expect["kind"]
    assert e.code == expect["kind"].upper()
    assert e.message == str(e)
    for key, value in expect.items():
        assert contract_json(e.data[key]) == value, key
        if key != "kind":
            assert contract_json(getattr(e, key)) == value, key
    assert world.snapshot() == before, "a refused command changes nothing"


def test_money_fields_of_errors_are_decimals(world: fmcg.Engine) -> None:
    world.apply(envelope("s", "admin", {"type": "update_settings", "settings": {"credit_policy": "reject"}}))
    with pytest.raises(fmcg.CreditLimitExceeded) as info:
        world.apply(envelope("c", "REP-1", {"type": "submit_order", "order_id": "SO-9", "outlet": "O-002",
                                             "warehouse": "W1", "lines": [{"sku": "COLA-330", "qty": 200}]}))
    from decimal import Decimal
    assert info.value.exposure == Decimal("415.84")  # type: ignore[attr-defined]


def test_garbage_snapshot_bytes_are_invalid_input() -> None:
    with pytest.raises(fmcg.InvalidInput):
        fmcg.Engine.restore(b"\x00not a snapshot")


def test_a_damaged_journal_reports_the_offset(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "j"
    engine = fmcg.Engine.open(path)
    for i in range(3):
        engine.apply(envelope(f"c{i}", "boss", {"type": "create_staff", "staff": {
            "id": "boss" if i == 0 else f"s{i}", "employee_no": f"E{i}", "name": "n", "roles": ["admin"]}}))
    del engine
    data = bytearray(path.read_bytes())
    data[40] ^= 0xFF  # inside the first frame's payload, with frames after it
    path.write_bytes(bytes(data))
    with pytest.raises(fmcg.Corrupt) as info:
        fmcg.Engine.open(path)
    assert info.value.offset == 16  # type: ignore[attr-defined]


def test_a_journal_path_that_is_a_directory_is_an_io_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(fmcg.Io):
        fmcg.Engine.open(tmp_path)


def test_every_kind_has_a_class_under_fmcg_error() -> None:
    for cls in CLASSES.values():
        assert issubclass(cls, fmcg.FmcgError)
    assert issubclass(fmcg.FmcgError, Exception)
