//! Field properties: stock conservation through load-out / delivery / load-in, cash
//! settlement sums, and alert rules (silent on clean days, firing on injected anomalies).

use fmcg_core::alerts::AlertKind;
use fmcg_core::{Money, PaymentMethod};
use proptest::prelude::*;
use serde_json::json;

use crate::field_day::{DATE, DriverDay, RepDay, alerts, driver_day, kinds, local, rep_day, setup};
use crate::support::check_invariants;

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn van_and_warehouse_stock_is_conserved_through_a_trip(
        lines in prop::array::uniform4(prop::array::uniform2((0i64..=24, 0i64..=24))),
        short in 0i64..3,
    ) {
        // Clamp damaged to what is left of each line.
        let lines = lines.map(|l| l.map(|(d, g)| (d, g.min(24 - d))));
        let mut w = setup(&RepDay::clean(6));
        let before: Vec<i64> = ["COLA-330", "WATER-550"].iter().map(|s| w.total("W1", s).on_hand).collect();
        let day = DriverDay { lines, short_at_load_in: short, handed: None };
        // Second lines exist only on the first order.
        let mut day = day;
        for l in &mut day.lines[1..] { l[1] = (0, 0); }
        // A refused order returns all its cola; keep the shortfall within what comes back.
        let cola_back: i64 = [0usize, 1, 2].iter().map(|&i| 24 - day.lines[i][0].0 - day.lines[i][0].1).sum();
        day.short_at_load_in = short.min(cola_back);
        driver_day(&mut w, &day);
        check_invariants(&w.engine);
        let trip = &w.engine.state().field.trips["TR-1"];
        for (sku, before) in ["COLA-330", "WATER-550"].iter().zip(before) {
            prop_assert_eq!(w.total("V1", sku).on_hand, 0, "the van comes back empty");
            let l = trip.reconciliation.iter().find(|l| l.sku.as_str() == *sku).unwrap();
            prop_assert_eq!(l.loaded, l.delivered + l.returned + l.damaged - l.variance);
            // The warehouse lost exactly what was delivered, damaged or went missing.
            prop_assert_eq!(w.total("W1", sku).on_hand, before - l.delivered - l.damaged + l.variance);
        }
        let cola = trip.reconciliation.iter().find(|l| l.sku.as_str() == "COLA-330").unwrap();
        prop_assert_eq!(cola.variance, -day.short_at_load_in);
    }

    #[test]
    fn expected_cash_is_the_sum_of_the_days_cash_collections(
        payments in prop::collection::vec((1i64..20_000, 0usize..3), 0..12),
    ) {
        let mut w = setup(&RepDay::clean(6));
        let mut cash = Money::ZERO;
        for (i, (cents, m)) in payments.iter().enumerate() {
            let method = [PaymentMethod::Cash, PaymentMethod::BankTransfer, PaymentMethod::Qr][*m];
            let amount = Money::new(rust_decimal::Decimal::new(*cents, 2));
            w.ok_as("REP-1", local(9, i as i64), None, json!({"type": "record_payment",
                "payment_id": format!("P{i}"), "outlet": "F-01", "amount": amount, "method": method}));
            if method == PaymentMethod::Cash {
                cash = cash.checked_add(amount).unwrap();
            }
        }
        // A payment of another day does not count.
        w.ok_as("REP-1", local(-2, 0), None, json!({"type": "record_payment",
            "payment_id": "P-eve", "outlet": "F-01", "amount": "5.00", "method": "cash"}));
        w.ok_as("FIN-1", local(18, 0), None, json!({"type": "settle_cash", "settlement_id": "S",
            "staff": "REP-1", "date": DATE, "handed": "12.34"}));
        let s = &w.engine.state().field.settlements["S"];
        prop_assert_eq!(s.expected, cash);
        prop_assert_eq!(s.variance, Money::new(rust_decimal::Decimal::new(1234, 2)).checked_sub(cash).unwrap());
        prop_assert_eq!(s.payments.len(), payments.iter().filter(|p| p.1 == 0).count());
    }

    /// Every rule, on every generated day: silent when clean, and only the injected rule
    /// fires otherwise.
    #[test]
    fn alerts_never_fire_on_a_clean_day_and_always_on_the_injected_anomaly(
        outlets in 6usize..12,
        orders in prop::collection::vec(1usize..6, 0..4),
        start in 0i64..15,
        end in 0i64..40,
    ) {
      for inject in 0usize..14 {
        let mut rep = RepDay {
            orders: orders.clone(),
            start_min: 8 * 60 + 20 + start,
            end_min: 17 * 60 + 16 + end,
            ..RepDay::clean(outlets)
        };
        let mut drv = DriverDay::full();
        let expected = match inject {
            0 => None,
            1 => { rep.outside = vec![3]; Some(AlertKind::CheckInOutsideGeofence) }
            2 => { rep.detour_after = Some(2); Some(AlertKind::RouteDeviation) }
            3 => { rep.long_stay_after = Some(1); Some(AlertKind::LongStayAway) }
            4 => { rep.miss = Some(4); Some(AlertKind::MissedVisit) }
            5 => { rep.start_min = 9 * 60 + 5; Some(AlertKind::LateStart) }
            6 => { rep.end_min = 15 * 60; rep.outlets = 6; Some(AlertKind::EarlyFinish) }
            7 => { rep.mock = true; Some(AlertKind::FakeLocation) }
            8 => { rep.frozen = true; Some(AlertKind::FakeLocation) }
            9 => { rep.jump = true; Some(AlertKind::FakeLocation) }
            10 => { rep.big_order_at = Some(5); Some(AlertKind::OrderAnomaly) }
            11 => { rep.below_floor_at = Some(2); Some(AlertKind::PriceBelowFloor) }
            12 => { rep.handed = Some("99.00"); Some(AlertKind::CashVariance) }
            _ => { drv.lines[1] = [(0, 0), (0, 0)]; drv.short_at_load_in = 1; Some(AlertKind::LoadInVariance) }
        };
        let mut w = setup(&rep);
        rep_day(&mut w, &rep);
        driver_day(&mut w, &drv);
        check_invariants(&w.engine);
        let found: Vec<AlertKind> = kinds(&alerts(&w)).into_iter().map(|k| k.1).collect();
        match expected {
            None => prop_assert!(found.is_empty(), "a clean day raised {:?}", alerts(&w)),
            Some(k) => {
                prop_assert!(!found.is_empty() && found.iter().all(|f| *f == k), "{:?} injected, got {:?}", k, alerts(&w));
            }
        }
      }
    }
}
