//! Charset sniffing and decoding with an arbitrary HTTP label (see `harness::charset`).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::charset(data);
});
