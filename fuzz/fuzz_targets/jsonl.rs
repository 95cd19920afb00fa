//! The `extract --stdin-jsonl` line reader and parser (see `harness::jsonl`).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::jsonl(data);
});
