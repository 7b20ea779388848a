//! The real binary on real files: election file → ballots PDF → rasterised
//! pages → interpreter, and the errors a user meets on the way (opening a
//! session, complaints, the demo and review: `cli_session.rs`).
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common;
use common::kp;

pub(crate) fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

pub(crate) fn have(tool: &str) -> bool {
    let ok = Command::new(tool).arg("-v").output().is_ok();
    let package = if tool == "zbarimg" {
        "zbar-tools"
    } else {
        "poppler-utils"
    };
    assert!(
        ok,
        "`{tool}` is not installed: apt-get install {package} (scripts/test does it)"
    );
    ok
}

pub(crate) fn init(dir: &Path, name: &str) -> PathBuf {
    let o = kp(dir, &["election", "init", "--out", name]);
    assert!(o.status.success(), "{:?}", text(&o));
    dir.join(name)
}

/// Prints one ballot of `e.toml` into `out/` (creating the key and database).
pub(crate) fn print_one_ballot(dir: &Path) {
    let o = kp(
        dir,
        &[
            "ballots",
            "--election",
            "e.toml",
            "--count",
            "1",
            "--out",
            "out",
        ],
    );
    assert!(o.status.success(), "{:?}", text(&o));
}

#[test]
pub(crate) fn election_init_check_and_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = init(dir.path(), "e.toml");
    let o = kp(dir.path(), &["election", "check", "e.toml"]);
    let (out, _) = text(&o);
    assert!(o.status.success());
    assert!(
        out.contains("Nguyễn Văn An") && out.contains("207 votes"),
        "{out}"
    );

    // init refuses to overwrite.
    let o = kp(dir.path(), &["election", "init", "--out", "e.toml"]);
    assert_eq!(o.status.code(), Some(2));

    let good = std::fs::read_to_string(&file).unwrap();
    let cases = [
        (
            good.replace("id = \"c2\"", "id = \"c1\""),
            "bad.toml:31: candidates[2].id",
        ),
        (
            good.replace("households = 412", "households = 0"),
            "bad.toml:13: election.households",
        ),
        (
            good.replace("paper = \"A5\"", "colour = \"red\""),
            "bad.toml:16: colour",
        ),
        (good.replace("households = 412", ""), "households"),
        (
            good.replace("marking = \"strike\"", "marking = \"approve_boxes\""),
            "election.marking",
        ),
    ];
    for (content, expected) in cases {
        std::fs::write(dir.path().join("bad.toml"), content).unwrap();
        let o = kp(dir.path(), &["election", "check", "bad.toml"]);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(expected), "expected `{expected}` in: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    }
    let o = kp(dir.path(), &["election", "check", "missing.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).1.contains("missing.toml"));
}

#[test]
pub(crate) fn ballots_print_decode_and_interpret() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d, "e.toml");
    let o = kp(
        d,
        &[
            "ballots",
            "--election",
            "e.toml",
            "--count",
            "4",
            "--out",
            "out",
            "--seed",
            "11",
        ],
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(err.contains("tests and demos only"));
    // The key was created beside the election, private.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(d.join("e.toml.key"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    // layout.json keeps its public shape.
    let layout: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("out/layout.json")).unwrap()).unwrap();
    assert_eq!(layout["page_mm"]["width"], 148.0);
    assert_eq!(layout["fiducials_mm"].as_array().unwrap().len(), 4);
    for key in ["qr_mm", "stamp_mm"] {
        assert!(layout[key]["w"].as_f64().unwrap() > 5.0, "{key}");
    }
    assert_eq!(layout["candidates"][1]["name"], "Trần Thị Bình");
    // The station database knows how many ballots exist.
    let store = kiemphieu_station::store::Store::open(&d.join("e.db")).unwrap();
    assert_eq!(store.printed_count().unwrap(), 4);
    drop(store);
    // Printing again adds ballots; the same seed cannot produce the same serials twice.
    let o = kp(
        d,
        &[
            "ballots",
            "--election",
            "e.toml",
            "--count",
            "2",
            "--out",
            "out2",
        ],
    );
    assert!(o.status.success());
    let store = kiemphieu_station::store::Store::open(&d.join("e.db")).unwrap();
    assert_eq!(store.printed_count().unwrap(), 6);
    drop(store);

    if !have("pdftoppm") {
        return;
    }
    let st = Command::new("pdftoppm")
        .args(["-r", "150", "-gray", "-png", "out/ballots.pdf", "page"])
        .current_dir(d)
        .status()
        .unwrap();
    assert!(st.success());
    let pages: Vec<String> = (1..=4).map(|i| format!("page-{i}.png")).collect();
    if have("zbarimg") {
        for p in &pages {
            let o = Command::new("zbarimg")
                .args(["-q", "--raw", p])
                .current_dir(d)
                .output()
                .unwrap();
            let code = String::from_utf8_lossy(&o.stdout);
            assert!(
                code.trim().starts_with("KP2") && code.trim().len() == 43,
                "{p}: {code}"
            );
        }
    }
    let mut args = vec!["interpret", "--election", "e.toml", "--json"];
    args.extend(pages.iter().map(String::as_str));
    args.push("page-2.png");
    let o = kp(d, &args);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    let mut serials = std::collections::HashSet::new();
    for (i, l) in lines.iter().take(4).enumerate() {
        assert_eq!(l["file"], pages[i]);
        assert_eq!(l["page"], 1);
        // Unmarked, unstamped ballots: both names kept, no stamp → the officials decide.
        assert_eq!(l["status"], "review", "{l}");
        assert_eq!(l["kept"], serde_json::json!(["c1", "c2"]));
        assert!(serials.insert(l["serial"].as_str().unwrap().to_string()));
    }
    assert_eq!(lines[4]["status"], "duplicate");
    assert_eq!(lines[4]["duplicate_of"]["file"], "page-2.png");

    // Readable table without --json.
    let o = kp(d, &["interpret", "--election", "e.toml", "page-1.png"]);
    assert!(text(&o).0.contains("review"));
}

#[test]
pub(crate) fn interpret_names_bad_files_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d, "e.toml");
    print_one_ballot(d);
    std::fs::write(d.join("empty.png"), b"").unwrap();
    std::fs::copy(d.join("out/ballots.pdf"), d.join("scan.png")).unwrap();
    let o = kp(
        d,
        &[
            "interpret",
            "--election",
            "e.toml",
            "--json",
            "empty.png",
            "scan.png",
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(err.contains("empty.png: page 1: empty file"), "{err}");
    assert!(err.contains("scan.png") && err.contains("PDF"), "{err}");
    assert_eq!(
        out.lines().count(),
        2,
        "an error line per input, in order: {out}"
    );

    // A ballot of another election is rejected, not counted.
    let other = std::fs::read_to_string(d.join("e.toml"))
        .unwrap()
        .replace("Đông Sơn", "Tây Sơn");
    std::fs::write(d.join("other.toml"), other).unwrap();
    let o = kp(
        d,
        &[
            "ballots",
            "--election",
            "other.toml",
            "--count",
            "1",
            "--out",
            "other",
        ],
    );
    assert!(o.status.success());
    if !have("pdftoppm") {
        return;
    }
    let st = Command::new("pdftoppm")
        .args([
            "-r",
            "150",
            "-png",
            "-singlefile",
            "other/ballots.pdf",
            "foreign",
        ])
        .current_dir(d)
        .status()
        .unwrap();
    assert!(st.success());
    let o = kp(
        d,
        &["interpret", "--election", "e.toml", "--json", "foreign.png"],
    );
    let line: serde_json::Value = serde_json::from_str(text(&o).0.trim()).unwrap();
    assert_eq!(line["status"], "rejected");
    assert_eq!(line["reasons"], serde_json::json!(["wrong_election"]));
}

#[test]
pub(crate) fn calibrate_derives_a_profile_that_interpret_accepts() {
    use kiemphieu_core::ballot::BallotLayout;
    use kiemphieu_core::election::{BallotKey, load_election};
    use kiemphieu_synth::{Generator, GeneratorMix};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d, "e.toml");
    print_one_ballot(d);
    let election = load_election(&d.join("e.toml")).unwrap();
    let key = BallotKey::load(&d.join("e.toml.key")).unwrap();
    let layout = BallotLayout::for_election(&election).unwrap();
    let generator = Generator::new(&election, &layout, &key).unwrap();
    // The calibration sheet: a clean, stamped ballot scanned in colour.
    let mix = GeneratorMix::clear_only()
        .with_dpi(200)
        .with_format(kiemphieu_synth::FileFormat::Png);
    let mut names = Vec::new();
    for seed in 0..4u64 {
        let mut spec = generator.sample(seed, &mix);
        spec.marks = spec
            .marks
            .iter()
            .map(|_| kiemphieu_synth::MarkSpec::Keep)
            .collect();
        spec.stamp = kiemphieu_synth::StampSpec::Present;
        spec.scan.colour = kiemphieu_synth::ColourMode::Rgb;
        let b = generator.render(&spec).unwrap();
        let name = format!("cal-{seed}.{}", b.extension);
        std::fs::write(d.join(&name), &b.encoded).unwrap();
        names.push(name);
    }
    let mut args = vec![
        "calibrate",
        "--election",
        "e.toml",
        "--name",
        "test scanner",
        "--out",
        "p.toml",
    ];
    args.extend(names.iter().map(String::as_str));
    let o = kp(d, &args);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    let profile = kiemphieu_interpret::Profile::from_toml(
        &std::fs::read_to_string(d.join("p.toml")).unwrap(),
    )
    .unwrap();
    assert_eq!(profile.name, "test scanner");
    assert_eq!(profile.scanner_dpi, Some(200.0));
    assert!(profile.stamp_redness >= 25);
    let o = kp(
        d,
        &[
            "interpret",
            "--election",
            "e.toml",
            "--profile",
            "p.toml",
            "--json",
            &names[0],
        ],
    );
    let line: serde_json::Value = serde_json::from_str(text(&o).0.trim()).unwrap();
    assert_eq!(line["stamp"]["state"], "present", "{line}");

    // A page that is not a ballot cannot calibrate, and says so.
    std::fs::write(d.join("blank.png"), {
        let mut v = Vec::new();
        image::DynamicImage::ImageLuma8(image::GrayImage::from_pixel(300, 400, image::Luma([250])))
            .write_to(&mut std::io::Cursor::new(&mut v), image::ImageFormat::Png)
            .unwrap();
        v
    })
    .unwrap();
    let o = kp(
        d,
        &[
            "calibrate",
            "--election",
            "e.toml",
            "--out",
            "q.toml",
            "blank.png",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("blank.png: page 1"));
}
