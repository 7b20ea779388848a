//! Printing through a real CUPS: the test starts its own scheduler (`cupsd`)
//! with a private configuration, spool and socket, adds a cups-pdf queue and
//! two queues whose backend reports paper-out or fails, and runs the real
//! binary against it (`CUPS_SERVER` = the private socket). The scheduler is
//! killed when the test ends (Drop guard). Needs Debian `cups`, `cups-client`,
//! `cups-ipp-utils`, `printer-driver-cups-pdf`, poppler-utils and zbar-tools
//! (.ci/run installs them); without them the test fails, saying so.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A private cupsd, killed on drop.
struct Cupsd {
    dir: tempfile::TempDir,
    child: Child,
    sock: PathBuf,
}

impl Drop for Cupsd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const PAPEROUT_BACKEND: &str = "#!/bin/sh\n\
if [ $# -eq 0 ]; then echo 'direct paperout \"Unknown\" \"Paper-out test printer\"'; exit 0; fi\n\
cat > /dev/null\n\
echo 'STATE: +media-empty-error' >&2\n\
echo 'ERROR: Out of paper' >&2\n\
exit 1\n";

const FAILING_BACKEND: &str = "#!/bin/sh\n\
if [ $# -eq 0 ]; then echo 'direct failing \"Unknown\" \"Failing test printer\"'; exit 0; fi\n\
cat > /dev/null\n\
echo 'ERROR: Printer answered with an I/O error' >&2\n\
exit 1\n";

fn require(tool: &str, package: &str) {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).exists()))
        .unwrap_or(false)
        || Path::new("/usr/sbin").join(tool).exists();
    assert!(
        found,
        "`{tool}` is not installed: this test needs a real CUPS (apt-get install {package}; .ci/run does it)"
    );
}

impl Cupsd {
    fn start() -> Cupsd {
        for (t, p) in [
            ("cupsd", "cups"),
            ("lpadmin", "cups-client"),
            ("lp", "cups-client"),
            ("ipptool", "cups-ipp-utils"),
        ] {
            require(t, p);
        }
        assert!(
            Path::new("/usr/lib/cups/backend/cups-pdf").exists(),
            "the cups-pdf backend is missing (apt-get install printer-driver-cups-pdf)"
        );
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // Filters run as user lp: it must reach the spool through the temp dir.
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
        for sub in [
            "root/ppd",
            "root/ssl",
            "spool/tmp",
            "cache",
            "state",
            "log",
            "bin/backend",
        ] {
            std::fs::create_dir_all(d.join(sub)).unwrap();
        }
        let sock = d.join("cups.sock");
        std::fs::write(
            d.join("root/cupsd.conf"),
            format!(
                "Listen {}\nLogLevel warn\nWebInterface No\nBrowsing No\nDefaultAuthType None\n\
                 <Location />\n  Order allow,deny\n  Allow all\n</Location>\n\
                 <Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n",
                sock.display()
            ),
        )
        .unwrap();
        let p = |s: &str| d.join(s).display().to_string();
        std::fs::write(
            d.join("root/cups-files.conf"),
            format!(
                "ServerRoot {}\nRequestRoot {}\nTempDir {}\nCacheDir {}\nStateDir {}\n\
                 AccessLog {}\nErrorLog {}\nPageLog {}\nServerBin {}\n",
                p("root"),
                p("spool"),
                p("spool/tmp"),
                p("cache"),
                p("state"),
                p("log/access_log"),
                p("log/error_log"),
                p("log/page_log"),
                p("bin")
            ),
        )
        .unwrap();
        // The real filters and backends, plus two test backends.
        for entry in std::fs::read_dir("/usr/lib/cups").unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name();
            if name != "backend" {
                std::os::unix::fs::symlink(entry.path(), d.join("bin").join(&name)).unwrap();
            }
        }
        for entry in std::fs::read_dir("/usr/lib/cups/backend").unwrap() {
            let entry = entry.unwrap();
            std::os::unix::fs::symlink(entry.path(), d.join("bin/backend").join(entry.file_name()))
                .unwrap();
        }
        for (name, script) in [("paperout", PAPEROUT_BACKEND), ("failing", FAILING_BACKEND)] {
            let f = d.join("bin/backend").join(name);
            std::fs::write(&f, script).unwrap();
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let child = Command::new("cupsd")
            .args(["-f", "-c"])
            .arg(d.join("root/cupsd.conf"))
            .arg("-s")
            .arg(d.join("root/cups-files.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start cupsd");
        let cupsd = Cupsd { dir, child, sock };
        let start = Instant::now();
        loop {
            let o = cupsd.tool("lpstat", &["-r"]);
            if String::from_utf8_lossy(&o.stdout).contains("scheduler is running") {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "cupsd did not start within 15 s; its log: {}",
                std::fs::read_to_string(cupsd.dir.path().join("log/error_log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        cupsd.admin(&[
            "-p",
            "PDF",
            "-v",
            "cups-pdf:/",
            "-E",
            "-m",
            "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd",
        ]);
        cupsd.admin(&["-p", "PAPEROUT", "-v", "paperout:/", "-E", "-m", "raw"]);
        cupsd.admin(&[
            "-p",
            "BROKEN",
            "-v",
            "failing:/",
            "-E",
            "-m",
            "raw",
            "-o",
            "printer-error-policy=abort-job",
        ]);
        cupsd
    }

    fn tool(&self, tool: &str, args: &[&str]) -> Output {
        Command::new(tool)
            .args(args)
            .env("CUPS_SERVER", &self.sock)
            .env("LC_ALL", "C")
            .output()
            .unwrap_or_else(|e| panic!("run {tool}: {e}"))
    }

    fn admin(&self, args: &[&str]) {
        let o = self.tool("lpadmin", args);
        assert!(
            o.status.success(),
            "lpadmin {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }

    /// Runs the real binary against this scheduler.
    fn kiemphieu(&self, dir: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_kiemphieu"))
            .args(args)
            .current_dir(dir)
            .env("CUPS_SERVER", &self.sock)
            .output()
            .expect("run kiemphieu")
    }

    fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log/error_log")).unwrap_or_default()
    }
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A two-page ballot PDF made by the real binary, under a unique name.
fn ballots_pdf(dir: &Path, unique: &str) -> PathBuf {
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_kiemphieu"))
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
    };
    run(&["election", "init", "--out", "e.toml"]);
    run(&[
        "ballots",
        "--election",
        "e.toml",
        "--count",
        "2",
        "--seed",
        "3",
        "--out",
        "b",
    ]);
    let file = dir.join(format!("{unique}.pdf"));
    std::fs::rename(dir.join("b/ballots.pdf"), &file).unwrap();
    file
}

/// Where cups-pdf writes (the submitting user's ~/PDF).
fn cups_pdf_out() -> PathBuf {
    PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into())).join("PDF")
}

/// The files cups-pdf wrote for a job title.
fn printed_files(unique: &str) -> Vec<PathBuf> {
    std::fs::read_dir(cups_pdf_out())
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().contains(unique))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn pages(pdf: &Path) -> u32 {
    let o = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8_lossy(&o.stdout);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count for {}: {info}", pdf.display()))
}

/// The QR text on the first page, rasterised at 150 dpi.
fn first_page_qr(pdf: &Path, work: &Path) -> String {
    let png = work.join(format!("qr-{}", pdf.file_stem().unwrap().to_string_lossy()));
    let o = Command::new("pdftoppm")
        .args([
            "-r",
            "150",
            "-f",
            "1",
            "-l",
            "1",
            "-gray",
            "-png",
            "-singlefile",
        ])
        .arg(pdf)
        .arg(&png)
        .output()
        .expect("pdftoppm (poppler-utils)");
    assert!(o.status.success(), "{}", text(&o));
    let o = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(png.with_extension("png"))
        .output()
        .expect("zbarimg (zbar-tools)");
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("kp{tag}{}x{nanos}", std::process::id())
}

#[test]
fn prints_a_ballot_pdf_on_a_cups_pdf_queue() {
    let cups = Cupsd::start();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();

    let o = cups.kiemphieu(w, &["printers"]);
    assert!(o.status.success(), "{}", text(&o));
    let list = String::from_utf8_lossy(&o.stdout);
    for q in ["PDF", "PAPEROUT", "BROKEN"] {
        assert!(
            list.lines().any(|l| l.split_whitespace().next() == Some(q)),
            "{list}"
        );
    }

    let id = unique("ok");
    let file = ballots_pdf(w, &id);
    let o = cups.kiemphieu(
        w,
        &[
            "print",
            "--printer",
            "PDF",
            "--copies",
            "1",
            "--timeout",
            "60",
            file.to_str().unwrap(),
        ],
    );
    assert!(
        o.status.success(),
        "{}\ncupsd log: {}",
        text(&o),
        cups.error_log()
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("on PDF (job"),
        "{}",
        text(&o)
    );

    // The job is completed when the backend has finished writing.
    let printed = printed_files(&id);
    assert_eq!(
        printed.len(),
        1,
        "cups-pdf output for {id} in {}",
        cups_pdf_out().display()
    );
    let out = &printed[0];
    let head = std::fs::read(out).unwrap();
    assert!(head.starts_with(b"%PDF-"), "{} is not a PDF", out.display());
    assert_eq!(pages(out), 2, "page count of the printed PDF");
    // Text does not survive Ghostscript (Type 3 fonts); the QR code does.
    let want = first_page_qr(&file, w);
    assert!(want.starts_with("KP2"), "QR of the original: {want:?}");
    assert_eq!(first_page_qr(out, w), want, "QR of the printed page");
    for p in printed {
        let _ = std::fs::remove_file(p);
    }
}

#[test]
fn missing_stopped_paper_out_and_failing_queues_say_so() {
    let cups = Cupsd::start();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let id = unique("bad");
    let file = ballots_pdf(w, &id);
    let f = file.to_str().unwrap();
    let stderr = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();

    // No such queue: bad input, named.
    let o = cups.kiemphieu(w, &["print", "--printer", "NOPE", f]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        stderr(&o).contains("không có máy in «NOPE»"),
        "{}",
        text(&o)
    );
    assert!(
        stderr(&o).contains("no printer queue \"NOPE\""),
        "{}",
        text(&o)
    );

    // Not a PDF: bad input, naming the file.
    std::fs::write(w.join("note.txt"), "hello").unwrap();
    let o = cups.kiemphieu(w, &["print", "--printer", "PDF", "note.txt"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(stderr(&o).contains("note.txt is not a PDF"), "{}", text(&o));

    // A stopped (disabled) queue prints nothing.
    let o = cups.tool("cupsdisable", &["PDF"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = cups.kiemphieu(w, &["print", "--printer", "PDF", f]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        stderr(&o).contains("hàng đợi máy in đang dừng"),
        "{}",
        text(&o)
    );
    assert!(
        stderr(&o).contains("printer \"PDF\": the printer queue is stopped"),
        "{}",
        text(&o)
    );
    let jobs = cups.tool("lpstat", &["-o", "PDF"]);
    assert!(jobs.stdout.is_empty(), "a job was queued: {}", text(&jobs));
    assert!(printed_files(&id).is_empty());

    // A queue that refuses jobs.
    assert!(cups.tool("cupsenable", &["PDF"]).status.success());
    assert!(cups.tool("cupsreject", &["PDF"]).status.success());
    let o = cups.kiemphieu(w, &["print", "--printer", "PDF", f]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(stderr(&o).contains("rejects jobs"), "{}", text(&o));

    // A job on `printer` fails with exit code 1 and these words.
    let job_fails = |printer: &str, words: &[&str]| {
        let o = cups.kiemphieu(w, &["print", "--printer", printer, "--timeout", "30", f]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}\ncupsd log: {}",
            text(&o),
            cups.error_log()
        );
        for word in words {
            assert!(stderr(&o).contains(word), "`{word}` in {}", text(&o));
        }
    };

    // The printer reports it is out of paper while printing.
    job_fails(
        "PAPEROUT",
        &[
            "máy in hết giấy",
            "printer \"PAPEROUT\": the printer is out of paper",
        ],
    );
    // Now that the printer is known to be out of paper, nothing more is sent.
    let before = cups.tool("lpstat", &["-o", "PAPEROUT"]).stdout.len();
    let o = cups.kiemphieu(w, &["print", "--printer", "PAPEROUT", f]);
    assert!(stderr(&o).contains("out of paper"), "{}", text(&o));
    assert_eq!(
        cups.tool("lpstat", &["-o", "PAPEROUT"]).stdout.len(),
        before,
        "a job was added"
    );

    // The backend fails and the queue aborts the job.
    job_fails("BROKEN", &["thất bại (aborted)", "printer \"BROKEN\": job"]);

    // No scheduler at all.
    let o = Command::new(env!("CARGO_BIN_EXE_kiemphieu"))
        .args(["print", "--printer", "PDF", f])
        .env("CUPS_SERVER", w.join("no-such.sock"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        stderr(&o).contains("the print service CUPS is not running"),
        "{}",
        text(&o)
    );
}
