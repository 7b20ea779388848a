//! ESC/POS status replies (DLE EOT n): any bytes for any query number, never a panic;
//! a reply that parses is a byte the printer could have sent.
#![no_main]

use kiemphieu_devices::print::escpos::parse_reply;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((&n, reply)) = data.split_first() {
        if parse_reply(n, reply).is_ok() {
            assert!(!reply.is_empty());
        }
    }
});
