//! The thermal tally tape through a real pseudo-terminal: the test plays the
//! printer on the master side (answers DLE EOT status queries, reads every
//! byte) while the real binary, or the library, writes to the slave side as
//! it would to /dev/ttyUSB0. The bytes are decoded back to the printed image
//! and compared with the pure renderer's, dot for dot.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::io::{Read, Write};
use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use kiemphieu_devices::print::escpos::{self, BAND_ROWS, StatusKind, TapeWidth};
use kiemphieu_devices::print::tape::{self, TapeContent, TapeError, TapeFacts};
use kiemphieu_station::station::Station;
use serialport::{SerialPort, TTYPort};

use crate::common;
use common::{accept_suggestions, confirm_all, decide_by_hand, kp, ok, open_demo_session, scan};

/// A counted, reconciled and confirmed demo session of 16 simulated ballots in `d/st.db`.
fn closed_session(d: &Path) {
    open_demo_session(d);
    ok(&scan(d, "st.db", "sim:16,rate=0,seed=5", &[]));
    accept_suggestions(d, "st.db");
    decide_by_hand(d, "st.db");
    let t: serde_json::Value =
        serde_json::from_str(&ok(&kp(d, &["tally", "--db", "st.db", "--json"]))).unwrap();
    let returned = (t["valid"].as_u64().unwrap() + t["invalid"].as_u64().unwrap()).to_string();
    ok(&kp(
        d,
        &[
            "close",
            "--db",
            "st.db",
            "--issued",
            &returned,
            "--returned",
            &returned,
        ],
    ));
    confirm_all(d, "st.db");
}

/// How the played printer answers the status queries.
#[derive(Clone, Copy)]
enum Printer {
    Ready,
    NearEnd,
    PaperOut,
    Offline,
    CoverOpen,
    Garbage,
    Silent,
    /// Ready before the job, out of paper after it.
    RunsOut,
}

impl Printer {
    fn reply(self, n: u8, after_job: bool) -> Option<u8> {
        let kind = StatusKind::from_n(n)?;
        let s = match self {
            Printer::Ready => 0x12,
            Printer::RunsOut if after_job && kind == StatusKind::Paper => 0x72,
            Printer::RunsOut => 0x12,
            Printer::NearEnd => match kind {
                StatusKind::Paper => 0x1e,
                _ => 0x12,
            },
            // A printer out of paper goes offline, says why, and its sensor agrees.
            Printer::PaperOut => match kind {
                StatusKind::Printer => 0x1a,
                StatusKind::Offline => 0x32,
                StatusKind::Paper => 0x72,
                StatusKind::Error => 0x12,
            },
            Printer::Offline => match kind {
                StatusKind::Printer => 0x1a,
                _ => 0x12,
            },
            Printer::CoverOpen => match kind {
                StatusKind::Printer => 0x1a,
                StatusKind::Offline => 0x16,
                _ => 0x12,
            },
            Printer::Garbage => 0xff,
            Printer::Silent => return None,
        };
        Some(s)
    }
}

/// Plays the printer on the master side until `stop`; returns every byte received.
fn play(mut master: TTYPort, printer: Printer, stop: Arc<AtomicBool>) -> JoinHandle<Vec<u8>> {
    master.set_timeout(Duration::from_millis(20)).unwrap();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let mut pos = 0usize;
        let mut in_job = false;
        let mut jobs = 0;
        let mut chunk = [0u8; 4096];
        let mut quiet_after_stop = 0;
        loop {
            match master.read(&mut chunk) {
                Ok(n) if n > 0 => buf.extend_from_slice(&chunk[..n]),
                _ => {
                    if stop.load(Ordering::SeqCst) {
                        quiet_after_stop += 1;
                        if quiet_after_stop > 3 {
                            break;
                        }
                    }
                }
            }
            // Status queries are answered at once, also between jobs; the job's
            // commands are parsed so raster bytes are never taken for a query.
            while pos < buf.len() {
                let rest = &buf[pos..];
                let step = if rest.starts_with(&[0x1b, 0x40]) {
                    in_job = true;
                    2
                } else if in_job && rest.len() >= 8 && rest.starts_with(&[0x1d, 0x76, 0x30]) {
                    let len = usize::from(u16::from_le_bytes([rest[4], rest[5]]))
                        * usize::from(u16::from_le_bytes([rest[6], rest[7]]));
                    if rest.len() < 8 + len {
                        break;
                    }
                    8 + len
                } else if in_job && rest.starts_with(&[0x1d, 0x56, 0x42]) {
                    if rest.len() < 4 {
                        break;
                    }
                    in_job = false;
                    jobs += 1;
                    4
                } else if in_job && rest.starts_with(&[0x1b, 0x64]) {
                    if rest.len() < 3 {
                        break;
                    }
                    3
                } else if rest[0] == 0x10 {
                    if rest.len() < 3 {
                        break;
                    }
                    if let Some(r) = printer.reply(rest[2], jobs > 0) {
                        master.write_all(&[r]).unwrap();
                    }
                    3
                } else if in_job && rest.len() < 8 {
                    // An incomplete command: wait for the rest.
                    break;
                } else {
                    1
                };
                pos += step;
            }
        }
        buf
    })
}

/// A pty pair: the slave path the program opens, the master the test plays on.
fn pty() -> (TTYPort, TTYPort, String) {
    let (master, mut slave) = TTYPort::pair().expect("open a pty pair");
    slave.set_exclusive(false).unwrap();
    let name = slave.name().expect("the slave pty has a path");
    (master, slave, name)
}

fn at() -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str("2024-10-13T10:05", "%Y-%m-%dT%H:%M").unwrap()
}

/// Runs `kiemphieu tape` against a played printer: (output, bytes the printer got).
fn tape_cmd(d: &Path, printer: Printer, extra: &[&str]) -> (Output, Vec<u8>) {
    // The program takes its own (exclusive) lock on the slave: the test keeps only the master.
    let (master, slave, name) = pty();
    drop(slave);
    // A plain handle (no lock) keeps the pty from hanging up when the program exits.
    let _keep = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&name)
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let player = play(master, printer, stop.clone());
    let mut args = vec!["tape", "--db", "st.db", "--port", name.as_str()];
    args.extend_from_slice(extra);
    let o = kp(d, &args);
    stop.store(true, Ordering::SeqCst);
    (o, player.join().unwrap())
}

/// Number of runs of inked rows (text lines, rules, signature lines).
fn ink_runs(img: &image::GrayImage) -> u32 {
    let mut runs = 0;
    let mut inked = false;
    for y in 0..img.height() {
        let row = (0..img.width()).any(|x| img.get_pixel(x, y).0[0] == 0);
        if row && !inked {
            runs += 1;
        }
        inked = row;
    }
    runs
}

#[test]
fn tape_of_a_closed_session_decodes_to_the_rendered_image() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    closed_session(d);
    let station = Station::open(&d.join("st.db")).unwrap();
    let facts = TapeFacts::from_station(&station).unwrap();
    drop(station);
    assert!(facts.final_count, "the session is confirmed");
    let content = TapeContent::from_facts(&facts, at());
    let texts = content.texts();
    assert!(!texts.iter().any(|t| t.contains("NHÁP")), "{texts:#?}");
    assert_eq!(
        texts[0], "DEMO — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ",
        "a demo says so first"
    );
    let h = facts.election.election.households;
    assert!(
        texts.contains(&format!("Tổng số hộ gia đình (H): {h}")),
        "{texts:#?}"
    );
    for c in &facts.election.candidates {
        let v = facts.tally.votes_for(&c.id);
        let want = format!(
            "{v} – {}%",
            kiemphieu_core::rules::percent(v.into(), h.into())
        );
        assert!(
            texts
                .iter()
                .any(|t| t.contains(&c.name) && t.ends_with(&want)),
            "{c:?} {texts:#?}"
        );
    }

    for (mm, width) in [("58", TapeWidth::Mm58), ("80", TapeWidth::Mm80)] {
        let (o, bytes) = tape_cmd(
            d,
            Printer::Ready,
            &["--width", mm, "--at", "2024-10-13T10:05"],
        );
        let out = ok(&o);
        assert!(out.contains("tally tape sent to"), "{out}");
        let job = escpos::decode_job(&bytes).expect("the printer understands every byte");
        // Status first (printer, offline cause, paper), one job, fed and cut, then the paper again.
        assert_eq!(job.status_queries, [1, 2, 4, 4]);
        assert_eq!((job.inits, job.cuts), (1, 1));
        assert!(job.fed_lines >= 1);
        let want = tape::render_tape(&content, width);
        assert_eq!(job.image.width(), width.dots());
        assert_eq!(job.image.dimensions(), want.image.dimensions());
        assert!(
            job.image == want.image,
            "{mm} mm: printed dots differ from the rendering"
        );
        // Bands of 64 rows, the last one the remainder.
        let n = job.bands.len();
        assert!(job.bands[..n - 1].iter().all(|b| *b == BAND_ROWS));
        assert_eq!(job.bands.iter().sum::<u32>(), job.image.height());
        assert_eq!(n as u32, job.image.height().div_ceil(BAND_ROWS));
        // Text lines show as separate runs of ink; a few accents may touch the line
        // above, and each signer's line (five with a board of three) is a run too.
        let runs = ink_runs(&job.image);
        assert!(
            want.text_lines >= texts.len() as u32,
            "{} lines",
            want.text_lines
        );
        assert!(
            runs * 10 >= want.text_lines * 8 && runs <= want.text_lines + 30,
            "{runs} ink runs for {} text lines",
            want.text_lines
        );
        let black = job.image.pixels().filter(|p| p.0[0] == 0).count();
        assert!(black > 10_000, "{black} black dots");
    }
}

#[test]
fn a_printer_that_cannot_print_gets_nothing_but_status_queries() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    closed_session(d);
    for (printer, vi, en) in [
        (
            Printer::PaperOut,
            "máy in nhiệt hết giấy",
            "the thermal printer is out of paper",
        ),
        (
            Printer::CoverOpen,
            "nắp máy in nhiệt đang mở",
            "cover is open",
        ),
        (
            Printer::Offline,
            "ngoại tuyến",
            "the thermal printer is offline",
        ),
        (Printer::Garbage, "trả lời sai", "check the baud rate"),
        (
            Printer::Silent,
            "máy in không trả lời",
            "printer not answering",
        ),
    ] {
        let (o, bytes) = tape_cmd(d, printer, &["--timeout-ms", "300"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains(vi) && err.contains(en), "{err}");
        let job = escpos::decode_job(&bytes).unwrap();
        assert!(!job.status_queries.is_empty());
        assert_eq!(
            (job.inits, job.bands.len(), job.cuts),
            (0, 0, 0),
            "printed something"
        );
    }
    // Bad input: named, exit code 2.
    let o = kp(
        d,
        &[
            "tape",
            "--db",
            "st.db",
            "--port",
            "/dev/null",
            "--width",
            "57",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--width 57"));
    let o = kp(d, &["tape", "--db", "st.db", "--port", "/no/such/tty"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot open serial port /no/such/tty"));
}

#[test]
fn library_send_job_over_a_pty() {
    // A near-end roll still prints, and says so.
    let img = image::GrayImage::from_fn(384, 100, |x, y| {
        image::Luma([if (x + y) % 7 == 0 { 0 } else { 255 }])
    });
    let job = escpos::encode_job(&img);
    let (master, mut slave, name) = pty();
    let stop = Arc::new(AtomicBool::new(false));
    let player = play(master, Printer::NearEnd, stop.clone());
    slave.set_timeout(Duration::from_millis(500)).unwrap();
    let status = tape::send_job(&mut slave, &name, &job, Duration::from_millis(500)).unwrap();
    assert!(status.paper_near_end && status.problem().is_none());
    stop.store(true, Ordering::SeqCst);
    let got = escpos::decode_job(&player.join().unwrap()).unwrap();
    assert_eq!(got.image, img);

    // Paper that runs out during the job: the whole tape must be printed again.
    let (master, mut slave, name) = pty();
    let stop = Arc::new(AtomicBool::new(false));
    let player = play(master, Printer::RunsOut, stop.clone());
    slave.set_timeout(Duration::from_millis(500)).unwrap();
    let e = tape::send_job(&mut slave, &name, &job, Duration::from_millis(500)).unwrap_err();
    assert!(matches!(e, TapeError::RanOut { .. }), "{e}");
    assert!(
        e.to_string().contains("ran out of paper while printing"),
        "{e}"
    );
    stop.store(true, Ordering::SeqCst);
    let got = escpos::decode_job(&player.join().unwrap()).unwrap();
    assert_eq!(got.status_queries, [1, 2, 4, 4]);
    assert_eq!(got.image, img);

    // A silent printer: a typed timeout naming the port, within the limit.
    let (master, mut slave, name) = pty();
    let stop = Arc::new(AtomicBool::new(false));
    let player = play(master, Printer::Silent, stop.clone());
    slave.set_timeout(Duration::from_millis(200)).unwrap();
    let t0 = std::time::Instant::now();
    let e = tape::send_job(&mut slave, &name, &job, Duration::from_millis(200)).unwrap_err();
    assert!(t0.elapsed() < Duration::from_secs(2));
    assert!(
        matches!(&e, TapeError::NotAnswering { port, .. } if *port == name),
        "{e}"
    );
    stop.store(true, Ordering::SeqCst);
    let got = escpos::decode_job(&player.join().unwrap()).unwrap();
    assert_eq!(
        got.status_queries,
        [1],
        "stops at the first unanswered query"
    );
    assert!(got.bands.is_empty());
}
