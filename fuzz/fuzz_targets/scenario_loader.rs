//! Fuzz the scenario loader: any bytes load into a valid scenario (which then
//! compiles into a network) or give an error naming the file — never a panic.
//!
//! ```text
//! cargo install cargo-fuzz && cargo +nightly fuzz run scenario_loader -- -max_total_time=600
//! ```
//! Seed the corpus with the bundled scenarios: `cp ../scenarios/*.toml corpus/scenario_loader/`.
#![no_main]

use corridor::model::Network;
use corridor::scenario::Scenario;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match Scenario::from_bytes(data, "fuzz.toml") {
        Ok(scenario) => {
            let _ = Network::compile(scenario.base());
            for name in scenario.variant_names() {
                if let Ok(spec) = scenario.variant(name) {
                    let _ = Network::compile(spec);
                }
            }
        }
        Err(e) => assert!(e.to_string().starts_with("error: fuzz.toml")),
    }
});
