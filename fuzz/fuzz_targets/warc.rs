//! The WARC reader over plain and gzipped bytes (see `harness::warc`).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::warc(data);
});
