//! Seeded generators shared by the benchmarks.

pub mod instances;

use fmcg_core::{Engine, Envelope};
use serde_json::{Value, json};

/// Builds an envelope.
///
/// # Panics
/// If the command does not decode (a bug in the generator).
#[expect(clippy::expect_used, reason = "benchmark set-up")]
#[expect(
    clippy::needless_pass_by_value,
    reason = "callers build the command inline"
)]
pub fn envelope(id: &str, actor: &str, command: Value) -> Envelope {
    serde_json::from_value(json!({
        "command_id": id, "actor": actor, "device_id": "bench",
        "recorded_at": "2026-03-02T03:00:00Z", "command": command,
    }))
    .expect("generated command decodes")
}

/// A distributor with `skus` SKUs of `lots` lots each (ample stock), `outlets` outlets with
/// no credit limit, one rep, one warehouse.
///
/// # Panics
/// If set-up fails (a bug in the generator).
#[expect(clippy::expect_used, reason = "benchmark set-up")]
pub fn world(skus: usize, lots: usize, outlets: usize) -> Engine {
    let mut e = Engine::new();
    let mut n = 0;
    let mut run = |actor: &str, cmd: Value| {
        n += 1;
        e.apply(envelope(&format!("setup-{n}"), actor, cmd))
            .expect("set-up command applies");
    };
    run(
        "admin",
        json!({"type": "create_staff", "staff": {"id": "admin", "employee_no": "0", "name": "A", "roles": ["admin"]}}),
    );
    run(
        "admin",
        json!({"type": "create_staff", "staff": {"id": "rep", "employee_no": "1", "name": "R", "roles": ["sales_rep", "finance", "warehouse"]}}),
    );
    run(
        "admin",
        json!({"type": "create_warehouse", "warehouse": {"id": "W", "code": "W", "name": "W"}}),
    );
    run(
        "admin",
        json!({"type": "create_supplier", "supplier": {"id": "S", "code": "S", "name": "S"}}),
    );
    let mut prices = serde_json::Map::new();
    let mut po_lines = Vec::new();
    let mut receipt = Vec::new();
    for s in 0..skus {
        let id = format!("SKU-{s:05}");
        run(
            "admin",
            json!({"type": "create_sku", "sku": {"id": id, "code": id, "name": id, "tax_rate": "0.13",
            "packs": [{"name": "case", "units": 12}]}}),
        );
        prices.insert(id.clone(), json!(format!("{}.{:02}", 1 + s % 20, s % 100)));
        po_lines
            .push(json!({"sku": id, "qty": 1_000_000_000_i64 * lots as i64, "unit_cost": "1.00"}));
        for l in 0..lots {
            receipt.push(json!({"sku": id, "lot": format!("L{l}"), "expiry": format!("2027-{:02}-01", 1 + l % 12),
                "qty": 1_000_000_000_i64}));
        }
    }
    run(
        "admin",
        json!({"type": "set_price_list", "price_list": {"id": "PL", "name": "PL", "valid_from": "2026-01-01", "prices": prices}}),
    );
    run(
        "admin",
        json!({"type": "create_purchase_order", "purchase_order_id": "PO", "supplier": "S", "warehouse": "W", "lines": po_lines}),
    );
    for (k, chunk) in receipt.chunks(1000).enumerate() {
        run(
            "admin",
            json!({"type": "receive_goods", "receipt_id": format!("RC{k}"), "purchase_order_id": "PO", "lines": chunk}),
        );
    }
    for o in 0..outlets {
        run(
            "admin",
            json!({"type": "create_outlet", "outlet": {"id": format!("O{o}"), "code": format!("O{o}"), "name": "o",
            "channel": "traditional", "class": "B", "position": {"lat": 31.0, "lon": 121.0}, "assigned_rep": "rep", "status": "active"}}),
        );
    }
    e
}

/// A 10-line order over the world's SKUs, chosen by a simple LCG from `k`.
pub fn order(k: u64, skus: usize, outlets: usize) -> Envelope {
    let mut x = k
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    let mut lines = Vec::with_capacity(10);
    for _ in 0..10 {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let s = (x >> 33) as usize % skus;
        lines.push(json!({"sku": format!("SKU-{s:05}"), "qty": 1 + (x >> 20) % 30}));
    }
    envelope(
        &format!("order-{k}"),
        "rep",
        json!({"type": "submit_order", "order_id": format!("SO-{k}"), "outlet": format!("O{}", k as usize % outlets),
            "warehouse": "W", "lines": lines}),
    )
}

/// `n` GPS fixes of a working day, one every 30 s: 15-minute stays at shops 600–900 m
/// apart with a few metres of jitter, walks between them, one fix in 50 with a poor
/// accuracy (dropped) and one in 5,000 an impossible jump (dropped). A seeded LCG.
pub fn gps_fixes(n: usize) -> fmcg_core::tracking::FixBatch {
    let mut s = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = || {
        s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut b = fmcg_core::tracking::FixBatch {
        t_ms: Vec::with_capacity(n),
        lat: Vec::with_capacity(n),
        lon: Vec::with_capacity(n),
        accuracy_m: Vec::with_capacity(n),
        speed_mps: None,
        mock: None,
    };
    let (mut lat, mut lon) = (31.2, 121.4);
    let mut t = 1_772_497_800_000_i64;
    let mut i = 0;
    while i < n {
        // 30 fixes at a shop, then 10 walking to the next.
        let (dlat, dlon) = (0.006 * (next() - 0.5), 0.007 * (next() - 0.5));
        for k in 0..40 {
            if i == n {
                break;
            }
            if k >= 30 {
                lat += dlat / 10.0;
                lon += dlon / 10.0;
            }
            let jump = i % 5_000 == 4_999;
            b.t_ms.push(t);
            b.lat
                .push(lat + (next() - 0.5) * 0.00005 + if jump { 0.3 } else { 0.0 });
            b.lon.push(lon + (next() - 0.5) * 0.00005);
            b.accuracy_m.push(if i % 50 == 7 {
                250.0
            } else {
                5.0 + 20.0 * next()
            });
            t += 30_000;
            i += 1;
        }
    }
    b
}
