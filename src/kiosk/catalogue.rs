//! The kiosk's translations, checked: every `@tr` string of `ui/*.slint`
//! has its Vietnamese in the bundled catalogue, and nothing there is left over.
//! (A test of the files, not of the generated UI, so the library's unit tests
//! need not compile the UI.)

use std::collections::BTreeMap;
use std::path::Path;

/// The contents of the string literal starting at `s` (after its opening quote).
fn literal(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                out.extend(chars.next());
            }
            '"' => return out,
            _ => out.push(c),
        }
    }
    panic!("unterminated string: {s}");
}

/// Every `@tr("…")` source string of the UI, with the file it is in.
fn ui_strings() -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "slint") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, _) in text.match_indices("@tr(\"") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.insert(literal(&text[i + 5..]), name);
        }
    }
    out
}

/// The msgid → msgstr pairs of the Vietnamese catalogue.
fn catalogue() -> BTreeMap<String, String> {
    let po =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/translations/vi/LC_MESSAGES/kiemphieu.po");
    let text = std::fs::read_to_string(po).unwrap();
    let mut out = BTreeMap::new();
    let mut id = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("msgid \"") {
            id = Some(literal(rest));
        } else if let Some(rest) = line.strip_prefix("msgstr \"") {
            let id = id.take().unwrap();
            if !id.is_empty() {
                out.insert(id, literal(rest));
            }
        }
    }
    out
}

/// The `{}` / `{N}` placeholders of a string, in order.
fn placeholders(s: &str) -> Vec<&str> {
    s.match_indices('{')
        .filter_map(|(i, _)| s[i..].find('}').map(|j| &s[i..=i + j]))
        .collect()
}

#[test]
fn every_ui_string_has_its_vietnamese_and_nothing_is_left_over() {
    let ui = ui_strings();
    let vi = catalogue();
    assert!(
        ui.len() > 50,
        "the UI's strings were not found: {}",
        ui.len()
    );
    for (en, file) in &ui {
        let Some(tr) = vi.get(en) else {
            panic!("{file}: \"{en}\" has no Vietnamese in kiemphieu.po");
        };
        assert!(!tr.trim().is_empty(), "{file}: \"{en}\": empty Vietnamese");
        // Vietnamese is written with diacritics; an entry without any is
        // English left untranslated (the few words alike in both are listed).
        let alike = ["OK"];
        assert!(
            !tr.is_ascii() || alike.contains(&tr.as_str()),
            "{file}: \"{en}\" → \"{tr}\" looks untranslated"
        );
        let (mut a, mut b) = (placeholders(en), placeholders(tr));
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b, "{file}: \"{en}\" → \"{tr}\": other placeholders");
    }
    for en in vi.keys() {
        assert!(
            ui.contains_key(en),
            "kiemphieu.po: \"{en}\" is no longer in the UI"
        );
    }
}
