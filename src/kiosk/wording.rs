//! What the kiosk says about the service's events, in Vietnamese and English:
//! the service sends typed notices, and their sentences live here, with the
//! rest of the UI's text (`present`).

use std::path::Path;

use super::messages::{Notice, TestResult};

/// A notice in the chosen language.
pub fn notice(notice: &Notice, en: bool) -> String {
    let (vi, english) = notice_texts(notice);
    if en { english } else { vi }
}

/// A notice in Vietnamese and in English, side by side.
#[allow(clippy::too_many_lines)] // one pair of sentences per notice: a translation table reads best whole
pub fn notice_texts(notice: &Notice) -> (String, String) {
    match notice {
        Notice::CannotOpenDatabase { path, reason } => (
            format!("Không mở được {}: {reason}", path.display()),
            format!("Cannot open {}: {reason}", path.display()),
        ),
        Notice::CannotReadElection { reason } => (
            format!("Không đọc được tệp bầu cử: {reason}"),
            format!("Cannot read the election file: {reason}"),
        ),
        Notice::ElectionFixed => (
            "Phiên kiểm phiếu đã mở; không đổi được tệp bầu cử.".into(),
            "The counting session is open; the election file cannot change.".into(),
        ),
        Notice::SessionAlreadyOpen => (
            "Phiên kiểm phiếu đã mở.".into(),
            "The counting session is already open.".into(),
        ),
        Notice::SetupIncomplete => (
            "Cần nhập Trưởng ban kiểm phiếu và số đại diện hộ dự họp (A).".into(),
            "Enter the head of the counting board and the attendance (A).".into(),
        ),
        Notice::SessionOpened => (
            "Đã mở phiên kiểm phiếu. Đặt phiếu vào máy quét và bấm Bắt đầu.".into(),
            "Counting session open. Load the ballots and press Start.".into(),
        ),
        Notice::CannotOpenSession { reason } => (
            format!("Không mở được phiên: {reason}"),
            format!("Cannot open the session: {reason}"),
        ),
        Notice::NoSession => (
            "Chưa mở phiên kiểm phiếu.".into(),
            "No counting session is open.".into(),
        ),
        Notice::ScanningClosed => (
            "Phiên đã đối chiếu hoặc kết thúc; không quét thêm được.".into(),
            "The session is reconciled or closed; no more scanning.".into(),
        ),
        Notice::CannotUseScanner { reason } => (
            format!("Không dùng được máy quét: {reason}"),
            format!("Cannot use the scanner: {reason}"),
        ),
        Notice::ScannerStopped { reason } => (
            format!("Máy quét dừng: {reason}"),
            format!("The scanner stopped: {reason}"),
        ),
        Notice::FeederEmpty { received, faults } => (
            format!(
                "Hết phiếu trong máy quét: {received} tờ đã lưu và đọc, {faults} lỗi máy quét."
            ),
            format!("Feeder empty: {received} sheets stored and read, {faults} scanner faults."),
        ),
        Notice::NewBatch { batch } => (
            format!("Hòm phiếu mới: {batch}"),
            format!("New batch: {batch}"),
        ),
        Notice::StationError { message } => (message.clone(), message.clone()),
        Notice::CannotReadCount { reason } => (
            format!("Không đọc được số liệu: {reason}"),
            format!("Cannot read the count: {reason}"),
        ),
        Notice::CannotDecide { reason } => (
            format!("Không ghi được quyết định: {reason}"),
            format!("Cannot record the decision: {reason}"),
        ),
        Notice::DecisionWithdrawn { sheet } => (
            format!("Đã hoàn tác quyết định về tờ {sheet}; phiếu chờ xem xét lại."),
            format!("Decision on sheet {sheet} withdrawn; the ballot waits for review again."),
        ),
        Notice::NothingToUndo => (
            "Không có quyết định nào để hoàn tác.".into(),
            "No decision to undo.".into(),
        ),
        Notice::CannotUndo { reason } => (
            format!("Không hoàn tác được: {reason}"),
            format!("Cannot undo: {reason}"),
        ),
        Notice::StopScanningFirst => (
            "Hãy dừng quét (Hòm mới) trước khi đối chiếu.".into(),
            "Stop scanning (New batch) before reconciling.".into(),
        ),
        Notice::Reconciled => (
            "Số liệu khớp. Từng thành viên Ban kiểm phiếu xác nhận.".into(),
            "The counts reconcile. Each member of the board confirms.".into(),
        ),
        Notice::NotReconciled => (
            "Số liệu không khớp; đã ghi kèm ghi chú của Ban.".into(),
            "The counts do not reconcile; the board's note is recorded.".into(),
        ),
        Notice::CannotReconcile { reason } => (
            format!("Chưa đối chiếu được: {reason}"),
            format!("Cannot reconcile yet: {reason}"),
        ),
        Notice::BoardConfirmed => (
            "Ban kiểm phiếu đã xác nhận đủ. Phiên kiểm phiếu đã kết thúc.".into(),
            "The whole board has confirmed. The counting session is closed.".into(),
        ),
        Notice::MemberConfirmed { member, missing } => (
            format!("{member} đã xác nhận. Còn: {}", missing.join(", ")),
            format!(
                "{member} confirmed. Still to confirm: {}",
                missing.join(", ")
            ),
        ),
        Notice::CannotConfirm { reason } => (
            format!("Không xác nhận được: {reason}"),
            format!("Cannot confirm: {reason}"),
        ),
        Notice::ComplaintRecorded => (
            "Đã ghi khiếu nại; biên bản sẽ ghi nội dung và cách giải quyết.".into(),
            "Complaint recorded; the tally sheet lists it and how it was handled.".into(),
        ),
        Notice::CannotRecordComplaint { reason } => (
            format!("Không ghi được khiếu nại: {reason}"),
            format!("Cannot record the complaint: {reason}"),
        ),
        Notice::ExportDone {
            path,
            records,
            images,
            fingerprint,
        } => (
            format!(
                "Đã xuất bộ hồ sơ vào {}: {records} tờ, {images} ảnh, kết quả {fingerprint}.",
                path.display()
            ),
            format!(
                "Bundle written to {}: {records} records, {images} images, result {fingerprint}.",
                path.display()
            ),
        ),
        Notice::CannotExport { reason } => (
            format!("Không xuất được: {reason}"),
            format!("Cannot export: {reason}"),
        ),
        Notice::CannotWriteSheet { reason } => (
            format!("Không lập được biên bản: {reason}"),
            format!("Cannot write the tally sheet: {reason}"),
        ),
        Notice::SheetSavedNoPrinter { path } => (
            format!(
                "Đã lưu biên bản: {}. Chưa có máy in (CUPS).",
                path.display()
            ),
            format!(
                "Tally sheet saved: {}. No printer is set up (CUPS).",
                path.display()
            ),
        ),
        Notice::SheetPrinted { queue, job } => (
            format!("Đã in biên bản trên {queue} (lệnh in {job})."),
            format!("Tally sheet printed on {queue} (job {job})."),
        ),
        Notice::PrintFailed { reason } => (
            format!("Không in được: {reason}"),
            format!("Cannot print: {reason}"),
        ),
    }
}

/// What the test sheet showed: Vietnamese, English.
pub fn test_result(result: &TestResult) -> (String, String) {
    match result {
        TestResult::Read {
            status,
            dpi,
            registration_mm,
        } => (
            format!(
                "Tờ thử: {status}, {dpi:.0} dpi, lệch {registration_mm:.1} mm. Tờ thử không được đếm."
            ),
            format!(
                "Test sheet: {status}, {dpi:.0} dpi, registration {registration_mm:.1} mm. A test sheet is not counted."
            ),
        ),
        TestResult::Failed { reason } => (
            format!("Quét thử không được: {reason}"),
            format!("Test scan failed: {reason}"),
        ),
    }
}

/// While the test sheet is scanned: Vietnamese, English.
pub fn test_scanning() -> (String, String) {
    ("Đang quét thử…".into(), "Scanning a test sheet…".into())
}

/// The biên bản (or its draft) was written to `path`: Vietnamese, English.
pub fn sheet_written(path: &Path, is_final: bool) -> (String, String) {
    (
        format!(
            "Đã lập {}: {}",
            if is_final {
                "biên bản"
            } else {
                "bản nháp"
            },
            path.display()
        ),
        format!(
            "{} written: {}",
            if is_final { "Tally sheet" } else { "Draft" },
            path.display()
        ),
    )
}

/// Issued or returned is not a whole number: Vietnamese, English.
pub fn figures_missing() -> (String, String) {
    (
        "Hãy nhập số phiếu phát ra và số phiếu thu vào (số nguyên).".into(),
        "Enter the ballots issued and returned (whole numbers).".into(),
    )
}

/// A verdict was tapped before the deciding official: Vietnamese, English.
pub fn choose_official_first() -> (String, String) {
    (
        "Hãy bấm tên người quyết định trước, rồi bấm quyết định.".into(),
        "Tap the deciding official's name first, then the decision.".into(),
    )
}

/// Fewer than two witnesses were named: Vietnamese, English.
pub fn two_witnesses_needed() -> (String, String) {
    (
        "Cần đủ hai người chứng kiến (ghi hai tên, cách nhau bằng dấu phẩy).".into(),
        "Two witnesses are required (two names, separated by a comma).".into(),
    )
}

/// The kiosk was closed while a batch was being scanned: Vietnamese, English.
pub fn scan_interrupted(batch: &str, sheets: u32) -> (String, String) {
    (
        format!(
            "Lần trước kiosk đóng khi đang quét {batch}; đã lưu {sheets} tờ, tờ cuối cùng đã lưu là tờ thứ {sheets} của phiên. Đặt các tờ chưa quét vào khay và bấm Bắt đầu."
        ),
        format!(
            "The kiosk was closed while scanning {batch}; {sheets} sheets are stored, the last one stored is the session's sheet {sheets}. Load the sheets not yet scanned and press Start."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_keep_their_sentences() {
        let n = Notice::FeederEmpty {
            received: 12,
            faults: 1,
        };
        assert_eq!(
            notice(&n, false),
            "Hết phiếu trong máy quét: 12 tờ đã lưu và đọc, 1 lỗi máy quét."
        );
        assert_eq!(
            notice(&n, true),
            "Feeder empty: 12 sheets stored and read, 1 scanner faults."
        );
        assert!(!n.is_error());
        let n = Notice::PrintFailed {
            reason: "offline".into(),
        };
        assert_eq!(notice(&n, false), "Không in được: offline");
        assert!(n.is_error());
    }

    #[test]
    fn test_result_rounds_like_the_reading() {
        let (vi, en) = test_result(&TestResult::Read {
            status: "valid".into(),
            dpi: 299.6,
            registration_mm: 0.44,
        });
        assert_eq!(
            vi,
            "Tờ thử: valid, 300 dpi, lệch 0.4 mm. Tờ thử không được đếm."
        );
        assert!(en.starts_with("Test sheet: valid, 300 dpi, registration 0.4 mm."));
    }
}
