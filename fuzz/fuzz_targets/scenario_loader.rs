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
            Network::compile(scenario.base()).expect("a loaded scenario compiles");
            for name in scenario.variant_names() {
                let spec = scenario.variant(&name).expect("a declared variant resolves");
                Network::compile(&spec).expect("a loaded variant compiles");
            }
        }
        Err(e) => assert!(e.to_string().starts_with("error: fuzz.toml")),
    }
});
