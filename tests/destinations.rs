//! Every page reaches a lawful place (rules.md §6), through the real binary:
//! genuine ballots made unreadable the ways scanners and voters do it, blank
//! backs, foreign, forged, copied, re-fed and never-printed papers; the
//! officials' decisions close the count, the biên bản says where each page
//! went, and the count reconciles with no note. A real database never takes a
//! simulated ballot, and a corrupted record stops the count.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

use kiemphieu_core::election::EXAMPLE_ELECTION;

use crate::common;
use common::pages::{Maker, paint, png, rgb};
use common::{BOARD, kp, ok, open_session, tally_json};

/// What the test means each file to be, and what the officials decide on it.
struct Page {
    name: &'static str,
    bytes: Vec<u8>,
    /// The destination the count must give it (`ballot`, `not_issued_form`, `not_a_ballot`).
    place: &'static str,
    /// Typed at the review prompt ("" accepts the proposal).
    answer: &'static str,
}

/// The papers of one box, every kind of rules.md §6.
#[allow(clippy::too_many_lines)] // one page per case, each with why it lands where it does
fn the_box(d: &Path, m: &Maker) -> (Vec<Page>, Vec<u64>) {
    let fid = m.layout.fiducials_mm;
    let mut pages = Vec::new();
    let mut printed = Vec::new();
    // Three clear ballots for Nguyễn Văn An (keep 0) and one for Trần Thị Bình.
    for (i, keep) in [0usize, 0, 0, 1].into_iter().enumerate() {
        let serial = 0x1000 + i as u64;
        printed.push(serial);
        pages.push(Page {
            name: ["a1", "a2", "a3", "b1"][i],
            bytes: m.render(&m.spec(10 + i as u64, serial, keep)).encoded,
            place: "ballot",
            answer: "y",
        });
    }
    // A torn corner: both left corner marks gone.
    let serial = 0x2001;
    printed.push(serial);
    let page = m.render(&m.spec(21, serial, 1));
    let mut img = rgb(&page);
    for r in [fid[0], fid[2]] {
        let r = r.grow(3.0);
        paint(
            &mut img,
            m.px(&page, r.x, r.y),
            m.px(&page, r.right(), r.bottom()),
            [252, 252, 250],
        );
    }
    pages.push(Page {
        name: "torn-corner",
        bytes: png(&img, Some(150.0)),
        place: "ballot",
        answer: "v c2",
    });
    // A crop through the bottom corner marks: the scanner's area stopped short.
    let serial = 0x2002;
    printed.push(serial);
    let page = m.render(&m.spec(22, serial, 0));
    let img = rgb(&page);
    let (_, cut) = m.px(&page, 0.0, fid[2].y + fid[2].h / 2.0);
    let cropped = image::imageops::crop_imm(&img, 0, 0, img.width(), cut as u32).to_image();
    pages.push(Page {
        name: "cropped",
        bytes: png(&cropped, Some(150.0)),
        place: "ballot",
        answer: "v c1",
    });
    // A fold across the code: a dark crease through the middle of the QR code.
    let serial = 0x2003;
    printed.push(serial);
    let page = m.render(&m.spec(23, serial, 0));
    let mut img = rgb(&page);
    let q = m.layout.qr.quiet_mm;
    let (x0, y0) = m.px(&page, q.x, q.y + q.h * 0.3);
    let (x1, y1) = m.px(&page, q.right(), q.y + q.h * 0.7);
    paint(&mut img, (x0, y0), (x1, y1), [90, 90, 90]);
    pages.push(Page {
        name: "folded-code",
        bytes: png(&img, Some(150.0)),
        place: "not_issued_form",
        // Only the code is damaged: the officials read the genuine ballot by eye.
        answer: "v c1",
    });
    // A badly dated scan file: 150 dpi pixels in a file that says 72 dpi.
    let serial = 0x2004;
    printed.push(serial);
    let page = m.render(&m.spec(24, serial, 0));
    pages.push(Page {
        name: "wrong-dpi-in-file",
        bytes: png(&rgb(&page), Some(72.0)),
        place: "ballot",
        answer: "v c1",
    });
    let g = m.generator();
    let mix = common::pages::mix();
    // The blank back of a sheet.
    pages.push(Page {
        name: "blank-back",
        bytes: g.blank(31, &mix, true).unwrap().encoded,
        place: "not_a_ballot",
        answer: "y",
    });
    // A ballot of another election, and a forged one (this election, wrong key).
    pages.push(Page {
        name: "foreign",
        bytes: g.wrong_election(32, &mix).unwrap().encoded,
        place: "not_issued_form",
        answer: "y",
    });
    pages.push(Page {
        name: "forged",
        bytes: g.forged(33, &mix).unwrap().encoded,
        place: "not_issued_form",
        answer: "y",
    });
    // A photocopy of a counted ballot (serial of a1), marked for Bình.
    pages.push(Page {
        name: "photocopy",
        bytes: m.render(&m.spec(34, 0x1000, 1)).encoded,
        place: "not_a_ballot",
        answer: "n",
    });
    // The same paper (b1) fed again: another scan of the same marks.
    let mut again = m.spec(13, 0x1003, 1);
    again.scan.skew_deg += 0.4;
    again.scan.shift_mm.0 += 1.5;
    pages.push(Page {
        name: "re-fed",
        bytes: m.render(&again).encoded,
        place: "not_a_ballot",
        answer: "x",
    });
    // A code with a valid MAC whose serial was never printed (a leaked key, a second printer).
    pages.push(Page {
        name: "never-printed",
        bytes: m.render(&m.spec(35, 0x9999, 0)).encoded,
        place: "not_issued_form",
        answer: "y",
    });
    let scans = d.join("scans");
    std::fs::create_dir_all(&scans).unwrap();
    for (i, p) in pages.iter().enumerate() {
        std::fs::write(scans.join(format!("{i:02}-{}.png", p.name)), &p.bytes).unwrap();
    }
    (pages, printed)
}

/// The place code of a destination as the tally's sheets give it.
fn destination(place: &serde_json::Value) -> &'static str {
    let dest = &place["destination"];
    if dest == "ballot" {
        "ballot"
    } else if dest.get("not_issued_form").is_some() {
        "not_issued_form"
    } else {
        "not_a_ballot"
    }
}

/// Sheet ids by file name, and their places, from the station.
fn places(d: &Path) -> HashMap<String, (i64, serde_json::Value)> {
    let station = kiemphieu_station::station::Station::open(&d.join("st.db")).unwrap();
    let states = station.sheets().unwrap();
    let count = station.count_of(&states).unwrap();
    states
        .iter()
        .map(|s| {
            let name = s.sheet.source.rsplit('/').next().unwrap().to_string();
            let name = name.trim_start_matches("folder:").to_string();
            let place = serde_json::to_value(&count.sheets[&s.sheet.id]).unwrap();
            (name, (s.sheet.id, place))
        })
        .collect()
}

fn pdf_text(pdf: &Path) -> String {
    let o = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils; scripts/test installs it)");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[allow(clippy::too_many_lines)] // the whole count of one box, in the order it happens
#[test]
fn every_page_lands_where_rules_6_puts_it_and_the_officials_close_the_count() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("e.toml"),
        EXAMPLE_ELECTION.replace("households = 412", "households = 20"),
    )
    .unwrap();
    let m = Maker::new(d, "e.toml");
    let (pages, printed) = the_box(d, &m);
    m.print_run(&d.join("print-run.json"), &printed);
    let mut args = vec!["session", "open", "--db", "st.db", "--election", "e.toml"];
    args.extend(BOARD);
    args.extend(common::COUNT_DATE);
    args.extend(["--attendance", "18", "--print-run", "print-run.json"]);
    let out = ok(&kp(d, &args));
    assert!(
        out.contains(&format!("{} ballots printed", printed.len())),
        "{out}"
    );
    ok(&common::scan(d, "st.db", "folder:scans", &[]));

    // Every page in its place; no genuine ballot is ever thrown out.
    let placed = places(d);
    assert_eq!(placed.len(), pages.len(), "every file stored once");
    for (i, p) in pages.iter().enumerate() {
        let file = format!("{i:02}-{}.png", p.name);
        let (_, place) = &placed[&file];
        assert_eq!(destination(place), p.place, "{file}: {place}");
    }
    let (_, torn) = &placed["04-torn-corner.png"];
    assert_eq!(torn["place"], "awaiting", "{torn}");
    assert!(torn["reasons"][0] == "unreadable_marks", "{torn}");
    // A file claiming 72 dpi: the resolution is measured from the page, and the
    // ballot read and counted like any other.
    let (_, dated) = &placed["07-wrong-dpi-in-file.png"];
    assert_eq!(dated["place"], "counted", "{dated}");
    assert_eq!(dated["verdict"]["valid"]["vote"]["for"], "c1", "{dated}");
    let (_, copy) = &placed["11-photocopy.png"];
    assert_eq!(
        copy["first"], placed["00-a1.png"].0,
        "shown beside the first: {copy}"
    );
    let kinds: Vec<_> = [
        "09-foreign.png",
        "10-forged.png",
        "13-never-printed.png",
        "06-folded-code.png",
    ]
    .iter()
    .map(|f| {
        placed[*f].1["destination"]["not_issued_form"]
            .as_str()
            .unwrap()
            .to_string()
    })
    .collect();
    assert_eq!(
        kinds,
        ["other_election", "bad_mac", "never_printed", "no_code"]
    );

    // Nothing closes while a page waits; the review shows each with its image.
    let o = kp(
        d,
        &[
            "close",
            "--db",
            "st.db",
            "--issued",
            "18",
            "--returned",
            "13",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("wait for the officials"));
    let list = ok(&kp(d, &["review", "--db", "st.db", "--list"]));
    let waiting = placed
        .values()
        .filter(|(_, p)| p["place"] == "awaiting")
        .count();
    assert!(list.contains(&format!("{waiting} pages wait")), "{list}");
    assert_eq!(list.matches("  image: ").count(), waiting, "{list}");
    assert!(
        list.contains("first paper with serial 0000000000001000"),
        "{list}"
    );

    // The blank back is confirmed with the other blank pages, then the
    // officials answer each page in the order the review shows them.
    let order: Vec<String> = list
        .lines()
        .filter_map(|l| l.strip_prefix("sheet "))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    let by_id: HashMap<String, &Page> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (placed[&format!("{i:02}-{}.png", p.name)].0.to_string(), p))
        .collect();
    let answers: String = order
        .iter()
        .filter(|id| by_id[*id].name != "blank-back")
        .map(|id| format!("{}\n", by_id[id].answer))
        .collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiemphieu"))
        .args([
            "review",
            "--db",
            "st.db",
            "--official",
            "Lê Văn Ba",
            "--confirm-blank",
        ])
        .current_dir(d)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answers.as_bytes())
        .unwrap();
    let out = ok(&child.wait_with_output().unwrap());
    assert!(out.contains("1 blank pages confirmed"), "{out}");
    assert!(!out.contains("still wait"), "{out}");

    // 4 clear, the wrong-dpi file and 3 read by eye (torn, cropped, folded code) valid;
    // foreign, forged, never printed and the photocopy invalid (art. 74 a);
    // the blank back and the re-fed sheet set aside.
    let t = tally_json(d, "st.db");
    assert_eq!(t["awaiting_review"], 0, "{t}");
    assert_eq!(
        (t["valid"].as_u64(), t["invalid"].as_u64()),
        (Some(8), Some(4)),
        "{t}"
    );
    assert_eq!(t["invalid_by_reason"]["not_issued_form"], 4, "{t}");
    assert_eq!(t["set_aside"]["blank"], 1);
    assert_eq!(t["set_aside"]["second_scan"], 1);
    assert_eq!(t["candidates"]["c1"]["votes"], 6, "{t}");
    assert_eq!(t["candidates"]["c2"]["votes"], 2, "{t}");
    // returned = valid + invalid: the count reconciles with no note.
    let close = ok(&kp(
        d,
        &[
            "close",
            "--db",
            "st.db",
            "--issued",
            "18",
            "--returned",
            "12",
        ],
    ));
    assert!(!close.contains("FAIL"), "{close}");
    // The whole board confirms: only then is the round closed and its key disclosed.
    common::confirm_all(d, "st.db");

    // The biên bản says where every page went, in the words of its kind.
    ok(&kp(d, &["report", "--db", "st.db", "--out", "bb.pdf"]));
    let text = pdf_text(&d.join("bb.pdf"))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for want in [
        "Tờ quét được để riêng, không tính vào số phiếu thu vào: 1 trang trắng (mặt sau, tờ trống), 1 lá phiếu bị quét hai lần.",
        "Phiếu không hợp lệ vì không theo mẫu do Tổ bầu cử phát ra gồm: 1 phiếu của cuộc bầu cử khác, 1 phiếu có mã xác thực sai (phiếu giả hoặc bị sửa), 1 phiếu có số sê-ri không có trong các đợt in phiếu, 1 bản sao của phiếu đã kiểm.",
        "8.1 – Phiếu không phải phiếu đã phát ra theo mẫu quy định 4",
    ] {
        assert!(text.contains(want), "`{want}` not in: {text}");
    }
    assert!(
        !text.contains("Ghi chú của Tổ bầu cử khi đối chiếu"),
        "no note: {text}"
    );
    assert!(!text.contains("DEMO"), "a real count: {text}");

    // The bundle proves it all again, with the closed round's key.
    ok(&kp(d, &["export", "--db", "st.db", "--out", "bundle"]));
    assert!(d.join("bundle/election.key").exists());
    let v = ok(&kp(d, &["verify", "bundle"]));
    assert!(v.contains("OK:"), "{v}");
}

#[test]
fn the_simulator_never_feeds_a_real_count() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::open_example_session(d);
    let o = common::scan(d, "st.db", "sim:5,rate=0", &[]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("never takes simulated ballots") && err.contains("demo"),
        "{err}"
    );
    let store = kiemphieu_station::store::Store::open(&d.join("st.db")).unwrap();
    let sheets: i64 = store
        .connection()
        .query_row("SELECT COUNT(*) FROM sheets", [], |r| r.get(0))
        .unwrap();
    let runs: i64 = store
        .connection()
        .query_row("SELECT COUNT(*) FROM print_runs", [], |r| r.get(0))
        .unwrap();
    assert_eq!((sheets, runs), (0, 0), "nothing stored");
    drop(store);
    // Nor does a real database become a demo one.
    let o = kp(
        d,
        &[
            "session",
            "open",
            "--db",
            "st.db",
            "--election",
            "e.toml",
            "--demo",
            "--leader",
            "X",
            "--witness",
            "A",
            "--witness",
            "B",
            "--count-date",
            "2024-10-13",
            "--attendance",
            "3",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_corrupted_decision_or_verdict_stops_the_tally_naming_the_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("e.toml"), EXAMPLE_ELECTION).unwrap();
    let m = Maker::new(d, "e.toml");
    let scans = d.join("scans");
    std::fs::create_dir_all(&scans).unwrap();
    // A ballot never printed: it waits, and the officials confirm it.
    std::fs::write(scans.join("x.png"), m.render(&m.spec(5, 0x77, 0)).encoded).unwrap();
    ok(&open_session(d, "st.db", "e.toml", 300));
    ok(&common::scan(d, "st.db", "folder:scans", &[]));
    common::accept_suggestions(d, "st.db");
    let t = tally_json(d, "st.db");
    assert_eq!(t["invalid_by_reason"]["not_issued_form"], 1, "{t}");
    // A copy of the station (its database and signing key) for the second corruption.
    std::fs::copy(d.join("st.db"), d.join("verdict.db")).unwrap();
    std::fs::copy(d.join("st.db.key"), d.join("verdict.db.key")).unwrap();
    let conn = rusqlite::Connection::open(d.join("st.db")).unwrap();
    conn.execute_batch(
        "DROP TRIGGER decisions_no_update; UPDATE decisions SET decision = '{\"ballot\":\"yes\"}' WHERE action = 'decided';",
    )
    .unwrap();
    drop(conn);
    let o = kp(d, &["tally", "--db", "st.db"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("st.db") && err.contains("sheet 1") && err.contains("decision"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    // The machine's own verdict, corrupted in the reading: the same stop.
    let conn = rusqlite::Connection::open(d.join("verdict.db")).unwrap();
    conn.execute_batch(
        "DROP TRIGGER readings_no_update; \
         UPDATE readings SET reading = json_set(reading, '$.verdict', json('{\"valid\":7}'));",
    )
    .unwrap();
    drop(conn);
    let o = kp(d, &["tally", "--db", "verdict.db"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("verdict.db") && err.contains("sheet 1"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}
