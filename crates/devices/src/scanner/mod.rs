//! Scanner drivers: a SANE scanner ([`SaneScanner`]) and a hot folder
//! ([`FolderScanner`]), each behind the station's [`Scanner`] trait.
//!
//! ```no_run
//! use kiemphieu_devices::scanner::{FolderScanner, Scanner};
//! let mut scanner = FolderScanner::new("scans", std::time::Duration::from_secs(5), false);
//! scanner.start_batch()?;
//! while let Some(page) = scanner.next_page()? {
//!     println!("{} ({} bytes)", page.source, page.bytes.len());
//! }
//! # Ok::<(), kiemphieu_devices::scanner::ScanError>(())
//! ```

pub mod folder;
pub mod sane;

pub use folder::FolderScanner;
// The trait and its types, so a driver and its caller need one import path.
pub use kiemphieu_station::scan::*;
pub use sane::SaneScanner;

/// The SANE scanners attached (needs libsane1). `folder:DIR` is always
/// available and not listed.
pub fn list_devices() -> Result<Vec<DeviceInfo>, ScanError> {
    sane::list_devices()
}
