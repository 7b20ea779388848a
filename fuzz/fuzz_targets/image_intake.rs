//! Image intake: decoding any bytes as a scanned file, within a small pixel budget.
#![no_main]

use kiemphieu_interpret::{decode_pages, jpeg_dpi, png_dpi};
use libfuzzer_sys::fuzz_target;

/// 4 Mpx: enough for small test pages, small enough to keep each run fast.
const BUDGET: u64 = 4_000_000;

fuzz_target!(|data: &[u8]| {
    let _ = png_dpi(data);
    let _ = jpeg_dpi(data);
    if let Ok(pages) = decode_pages(data, BUDGET) {
        for p in pages {
            assert!(u64::from(p.image.width()) * u64::from(p.image.height()) <= BUDGET);
        }
    }
});
