//! Election file parser, and the ballot layout of every election it accepts.
#![no_main]

use std::path::Path;

use kiemphieu_core::ballot::BallotLayout;
use kiemphieu_core::election::parse_election;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(election) = parse_election(text, Path::new("fuzz.toml")) {
        // Any accepted election lays out, or says why not.
        let _ = BallotLayout::for_election(&election);
    }
});
