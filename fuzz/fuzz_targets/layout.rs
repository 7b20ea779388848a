//! Layout loader: the public `layout.json` geometry from any text.
#![no_main]

use kiemphieu_core::ballot::BallotGeometry;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(g) = BallotGeometry::from_json(text) {
        // What loads writes back and loads again.
        let json = serde_json::to_string(&g).expect("geometry serialises");
        let _ = BallotGeometry::from_json(&json).expect("written geometry loads");
    }
});
