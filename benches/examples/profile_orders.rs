//! Applies 20,000 orders to a 1,000 × 5 world, several rounds, for profilers.
fn main() {
    let base = fmcg_benches::world(1000, 5, 200);
    let orders: Vec<_> = (0..20_000)
        .map(|k| fmcg_benches::order(k, 1000, 200))
        .collect();
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    for _ in 0..rounds {
        let mut engine = base.clone();
        let t = std::time::Instant::now();
        let mut ok = 0;
        for o in &orders {
            ok += usize::from(engine.apply(o.clone()).is_ok());
        }
        let dt = t.elapsed();
        println!(
            "{ok} orders in {dt:?}: {:.0}/s",
            ok as f64 / dt.as_secs_f64()
        );
    }
}
