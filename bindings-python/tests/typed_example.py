"""A small typed program against the stubs; `mypy --strict` checks it in CI."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import fmcg


def total_of(outcome: dict[str, Any]) -> Decimal:
    order = outcome["events"][0]["event"]["order"]
    total: Decimal = order["total"]
    return total


def main() -> int:
    engine: fmcg.Engine = fmcg.Engine()
    try:
        engine.apply({"command_id": "c1", "actor": "boss", "device_id": "typed",
                      "recorded_at": "2026-03-02T08:00:00Z",
                      "command": {"type": "approve_order", "order_id": "SO-1"}})
    except fmcg.PermissionDenied as e:
        print(e.code, e.data)
    except fmcg.FmcgError as e:
        print(e.kind)
    seq: int = engine.last_seq
    data: bytes = engine.snapshot()
    restored = fmcg.Engine.restore(data)
    day: dict[str, object] = fmcg.route({"type": "tsp", "matrix": {"metres": [[0, 5], [5, 0]]}})
    return seq + restored.last_seq + len(str(day))


if __name__ == "__main__":
    main()
