//! Interpreting 5,000 pages in one run stays under 200 MB peak memory: the CLI
//! keeps only readings, never the pages, once a page is read.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use kiemphieu_core::ballot::BallotLayout;
use kiemphieu_core::election::{BallotKey, EXAMPLE_ELECTION, parse_election};
use kiemphieu_synth::{FileFormat, Generator, GeneratorMix};

/// Peak resident memory of a running process, from /proc (kB).
fn peak_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn five_thousand_pages_stay_under_200_mb() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("e.toml"), EXAMPLE_ELECTION).unwrap();
    let election = parse_election(EXAMPLE_ELECTION, Path::new("e.toml")).unwrap();
    let key = BallotKey::load_or_create(&d.join("e.toml")).unwrap();
    let layout = BallotLayout::for_election(&election).unwrap();
    let generator = Generator::new(&election, &layout, &key).unwrap();
    let mix = GeneratorMix::realistic()
        .with_dpi(200)
        .with_format(FileFormat::Png);
    let mut files = Vec::new();
    for i in 0..25u64 {
        let b = generator.generate(7000 + i, &mix).unwrap();
        let name = format!("p{i}.{}", b.extension);
        std::fs::write(d.join(&name), &b.encoded).unwrap();
        files.push(name);
    }
    // The same 25 scans 200 times: 5,000 pages (all but the first 25 are duplicates).
    let mut args: Vec<String> = vec![
        "interpret".into(),
        "--election".into(),
        "e.toml".into(),
        "--json".into(),
    ];
    for _ in 0..200 {
        args.extend(files.iter().cloned());
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiemphieu"))
        .args(&args)
        .current_dir(d)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        std::io::BufReader::new(stdout).lines().count()
    });
    let mut peak = 0;
    loop {
        if let Some(kb) = peak_kb(pid) {
            peak = peak.max(kb);
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let lines = reader.join().unwrap();
    assert_eq!(lines, 5000, "one line per page");
    eprintln!("peak RSS: {} MB", peak / 1024);
    assert!(peak < 200 * 1024, "peak RSS {} MB ≥ 200 MB", peak / 1024);
}
