//! The scrape URL-list parser and reader (see `harness::urls`).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::urls(data);
});
