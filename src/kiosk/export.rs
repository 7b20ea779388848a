//! Exporting: the signed bundle (election, result, records, images, audit log)
//! written to a folder the operator chose.
#![warn(clippy::as_conversions)]

use std::path::{Path, PathBuf};

use super::messages::Notice;

/// Writes the bundle of the station database `db` to `out`; what to tell the operator.
pub(super) fn export(db: &Path, out: PathBuf) -> Notice {
    match kiemphieu_station::bundle::export(db, None, &out) {
        Ok(sum) => Notice::ExportDone {
            path: out,
            records: sum.records,
            images: sum.images,
            fingerprint: sum.result_fingerprint,
        },
        Err(e) => Notice::CannotExport {
            reason: e.to_string(),
        },
    }
}
