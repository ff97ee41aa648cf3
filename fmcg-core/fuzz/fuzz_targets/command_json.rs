//! Command envelopes and queries as JSON on an engine with an admin: a typed error or an
//! outcome, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut engine = fmcg_core::Engine::new();
    let admin = r#"{"command_id":"c0","actor":"admin","device_id":"fuzz","recorded_at":"2026-03-02T08:00:00Z","command":{"type":"create_staff","staff":{"id":"admin","employee_no":"E0","name":"A","roles":["admin"]}}}"#;
    if engine.apply_json(admin).is_err() {
        return;
    }
    let _ = engine.apply_json(text);
    let _ = engine.query_json("admin", text);
    let _ = fmcg_core::Engine::restore_bytes(data);
});
