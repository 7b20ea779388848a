//! A bundle as one zip file. Entries are stored, not deflated: the images,
//! nearly all of a bundle, are compressed already.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{BundleError, file_err};

/// True when `path` names a zip bundle (by its extension).
pub fn is_zip(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

fn files_under(dir: &Path, rel: &Path, out: &mut Vec<PathBuf>) -> Result<(), BundleError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir.join(rel))
        .map_err(|e| file_err(&dir.join(rel), e))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let r = rel.join(e.file_name());
        if e.path().is_dir() {
            files_under(dir, &r, out)?;
        } else {
            out.push(r);
        }
    }
    Ok(())
}

/// Packs a bundle folder into `out` (a new file); returns the number of files.
pub fn pack(dir: &Path, out: &Path) -> Result<usize, BundleError> {
    let mut files = Vec::new();
    files_under(dir, Path::new(""), &mut files)?;
    let file = std::fs::File::create(out).map_err(|e| file_err(out, e))?;
    let mut zw = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    for rel in &files {
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let bytes = std::fs::read(dir.join(rel)).map_err(|e| file_err(&dir.join(rel), e))?;
        zw.start_file(name, options).map_err(|e| file_err(out, e))?;
        zw.write_all(&bytes).map_err(|e| file_err(out, e))?;
    }
    let f = zw.finish().map_err(|e| file_err(out, e))?;
    f.sync_all().map_err(|e| file_err(out, e))?;
    Ok(files.len())
}

/// Unpacks a zip bundle into the folder `into`, refusing any entry whose
/// path would leave it; returns the number of files.
pub fn unpack(file: &Path, into: &Path) -> Result<usize, BundleError> {
    let f = std::fs::File::open(file).map_err(|e| file_err(file, e))?;
    let mut za =
        zip::ZipArchive::new(f).map_err(|e| file_err(file, format!("not a zip bundle: {e}")))?;
    let mut n = 0;
    for i in 0..za.len() {
        let mut entry = za.by_index(i).map_err(|e| file_err(file, e))?;
        let Some(rel) = entry.enclosed_name() else {
            return Err(file_err(
                file,
                format!("entry `{}` would leave the bundle folder", entry.name()),
            ));
        };
        let path = into.join(rel);
        if entry.is_dir() {
            std::fs::create_dir_all(&path).map_err(|e| file_err(&path, e))?;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| file_err(parent, e))?;
        }
        let mut out = std::fs::File::create(&path).map_err(|e| file_err(&path, e))?;
        std::io::copy(&mut entry, &mut out)
            .map_err(|e| file_err(file, format!("{}: {e}", entry.name())))?;
        n += 1;
    }
    Ok(n)
}
