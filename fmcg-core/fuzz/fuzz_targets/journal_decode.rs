//! The journal frame reader on arbitrary bytes: an error or frames, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Raw bytes, and the same bytes behind a valid header so the frame loop is reached.
    let _ = fmcg_core::journal::decode(data);
    let mut with_header = Vec::with_capacity(data.len() + 16);
    with_header.extend_from_slice(fmcg_core::journal::MAGIC);
    with_header.extend_from_slice(&fmcg_core::journal::VERSION.to_le_bytes());
    with_header.extend_from_slice(&[0; 4]);
    with_header.extend_from_slice(data);
    let _ = fmcg_core::journal::decode(&with_header);
});
