//! QR payload decoder: any text, then verification against a fixed election and key.
#![no_main]

use kiemphieu_core::ballot::Payload;
use kiemphieu_core::election::{BallotKey, Fingerprint};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(p) = Payload::decode(&text) {
        // A decoded payload encodes back to a text that decodes to itself.
        let again = Payload::decode(&p.encode()).expect("re-encoded payload decodes");
        assert_eq!(again.encode(), p.encode());
        let _ = p.verify(&Fingerprint([7; 32]), &BallotKey::from_bytes([9; 32]));
    }
});
