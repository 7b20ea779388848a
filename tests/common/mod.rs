//! Helpers shared by the integration tests that run the real binary.
// Each test crate uses only some of them.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use kiemphieu::election::EXAMPLE_ELECTION;

/// Runs `kiemphieu ARGS` in `dir`.
pub fn kp(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiemphieu"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run kiemphieu")
}

/// Asserts the command succeeded; returns its standard output.
pub fn ok(o: &Output) -> String {
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// Writes the example election to `d/e.toml` and opens a session in `d/st.db`
/// with the standard board and 300 attending.
pub fn open_example_session(d: &Path) {
    std::fs::write(d.join("e.toml"), EXAMPLE_ELECTION).unwrap();
    ok(&kp(
        d,
        &[
            "session",
            "open",
            "--db",
            "st.db",
            "--election",
            "e.toml",
            "--leader",
            "Nguyễn Thị Hoa",
            "--member",
            "Lê Văn Ba",
            "--witness",
            "Trần Văn Hùng",
            "--witness",
            "Đỗ Thị Mai",
            "--attendance",
            "300",
        ],
    ));
}
