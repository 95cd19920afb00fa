//! Arbitrary bytes through the extractor, renderers included (see `harness::extract`).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::extract(data);
});
