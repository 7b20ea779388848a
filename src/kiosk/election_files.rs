//! Finding election files: the folders the kiosk offers them from (USB sticks,
//! the working folder), searched without following anything deep.
#![warn(clippy::as_conversions)]

use std::path::{Path, PathBuf};

/// Election files (`*.toml`) in the given folders and one level below (USB sticks
/// mount as /media/USER/LABEL), sorted.
pub fn find_election_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: u32, found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let hidden_or_build = e
                .file_name()
                .to_str()
                .is_none_or(|n| n.starts_with('.') || n == "target");
            if p.is_dir() {
                if depth > 0 && !hidden_or_build {
                    walk(&p, depth - 1, found);
                }
            } else if p.extension().is_some_and(|x| x == "toml") && !hidden_or_build {
                found.push(p);
            }
        }
    }
    let mut found = Vec::new();
    for d in dirs {
        walk(d, 2, &mut found);
    }
    found.sort();
    found.dedup();
    found.truncate(20);
    found
}
