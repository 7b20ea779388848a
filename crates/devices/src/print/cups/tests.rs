//! Parsing the tools' output and the wording of the errors.

use super::queue::{list, uri_path_escape};
use super::*;

#[test]
fn lpstat_listing() {
    let text = "printer PDF is idle.  enabled since Mon Nov 23 21:11:21 2026\n\
                printer PO disabled since Mon Nov 23 21:12:08 2026 -\n\tOut of paper\n\
                printer Busy now printing Busy-3.  enabled since Mon\n\
                system default destination: PO\n";
    let p = parse_lpstat_printers(text);
    assert_eq!(p.len(), 3);
    assert_eq!(p[0].name, "PDF");
    assert!(p[0].enabled && !p[0].is_default);
    assert_eq!(p[1].state, "disabled");
    assert!(!p[1].enabled && p[1].is_default);
    assert_eq!(p[1].message, "Out of paper");
    assert_eq!(p[2].state, "printing");
    assert!(parse_lpstat_printers("no system default destination\n").is_empty());
}

#[test]
fn ipptool_attributes() {
    let text = "\"/usr/share/cups/ipptool/get-printer-attributes.test\":\n    Get-Printer-Attributes:\n        attributes-charset (charset) = utf-8\n        status-code = successful-ok (successful-ok)\n        printer-is-accepting-jobs (boolean) = true\n        printer-state (enum) = stopped\n        printer-state-message (textWithoutLanguage) = Out of paper\n        printer-state-reasons (1setOf keyword) = media-empty-error,paused\n";
    let a = parse_ipptool(text);
    assert_eq!(a["printer-state"], "stopped");
    let st = PrinterState {
        state: a["printer-state"].clone(),
        reasons: list(a.get("printer-state-reasons")),
        accepting: true,
        message: a["printer-state-message"].clone(),
    };
    assert_eq!(st.reasons, ["media-empty-error", "paused"]);
    assert_eq!(st.problem(), Some(PrinterProblem::PaperOut));
}

#[test]
fn reasons_in_plain_words() {
    use PrinterProblem::*;
    for (r, p) in [
        ("media-empty-error", Some(PaperOut)),
        ("media-empty", Some(PaperOut)),
        ("media-needed-error", Some(PaperOut)),
        ("media-empty-warning", None),
        ("media-low-report", None),
        ("media-jam-error", Some(PaperJam)),
        ("cover-open-error", Some(CoverOpen)),
        ("toner-empty-error", Some(TonerOut)),
        ("toner-low-report", None),
        ("offline-report", Some(Offline)),
        ("offline", Some(Offline)),
        ("connecting-to-device", None),
        ("paused", Some(Stopped)),
        ("none", None),
        ("cups-insecure-filter-warning", None),
    ] {
        assert_eq!(PrinterProblem::from_reason(r), p, "{r}");
    }
    let idle = PrinterState {
        state: "idle".into(),
        reasons: vec![],
        accepting: true,
        message: String::new(),
    };
    assert_eq!(idle.problem(), None);
    let stopped = PrinterState {
        state: "stopped".into(),
        ..idle.clone()
    };
    assert_eq!(stopped.problem(), Some(Stopped));
    let rejecting = PrinterState {
        accepting: false,
        ..idle
    };
    assert_eq!(rejecting.problem(), Some(NotAccepting));
}

#[test]
fn request_ids() {
    assert_eq!(
        parse_request_id("request id is PDF-12 (1 file(s))\n", "PDF"),
        Some(12)
    );
    assert_eq!(
        parse_request_id("request id is my-q-3 (1 file(s))\n", "my-q"),
        Some(3)
    );
    assert_eq!(parse_request_id("nothing", "PDF"), None);
}

#[test]
fn messages_name_the_queue_in_both_languages() {
    let e = PrintError::Problem {
        queue: "Q1".into(),
        problem: PrinterProblem::PaperOut,
        job: Some(7),
        detail: String::new(),
    };
    let s = e.to_string();
    assert!(
        s.contains("hết giấy") && s.contains("out of paper") && s.contains("Q1"),
        "{s}"
    );
    assert!(s.contains("job 7"), "{s}");
    let e = PrintError::NoSuchQueue { queue: "X".into() };
    assert!(e.to_string().contains("\"X\""));
}

#[test]
fn uri_for_socket_and_host() {
    assert_eq!(
        Cups::with_server("/tmp/a/cups.sock").ipp_uri("/jobs/1"),
        "ipp://%2Ftmp%2Fa%2Fcups.sock/jobs/1"
    );
    assert_eq!(
        Cups::with_server("localhost:631").ipp_uri("/printers/P"),
        "ipp://localhost:631/printers/P"
    );
    assert_eq!(uri_path_escape("a b"), "a%20b");
}
