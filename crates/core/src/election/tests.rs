//! Tests of election file parsing, validation and fingerprint.

use std::fmt::Write as _;
use std::path::Path;

use super::*;

fn parse(text: &str) -> Result<Election, ElectionFileError> {
    parse_election(text, Path::new("e.toml"))
}

/// (line, field, message) of an error.
fn located(text: &str) -> (usize, String, String) {
    match parse(text) {
        Err(ElectionFileError::Invalid {
            line,
            field,
            message,
            ..
        }) => (line, field, message),
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn the_example_is_valid() {
    let e = parse(EXAMPLE_ELECTION).unwrap();
    assert_eq!(e.election.households, 412);
    assert_eq!(e.candidates.len(), 2);
    assert_eq!(e.candidates[1].name, "Trần Thị Bình");
    assert_eq!(e.election.paper, Paper::A5);
    assert_eq!(e.settings, Settings::default());
    assert_eq!(e.election.district.as_deref(), Some("Thành phố Từ Sơn"));
    assert_eq!(
        e.election.venue.as_deref(),
        Some("Nhà văn hóa khu phố Đông Sơn")
    );
    assert_eq!(e.election.counting_body, CountingBody::BanKiemPhieu);
    assert_eq!(e.election.collection_deadline, None);
}

#[test]
fn optional_parts_take_their_defaults() {
    let text = r#"
[election]
title = "Bầu cử Trưởng thôn"
office = "Trưởng thôn"
unit = "Thôn 2"
commune = "Xã Phú Cát"
province = "Thành phố Hà Nội"
term = "2024-2027"
date = 2024-06-02
households = 390

[[candidates]]
id = "hvk"
name = "Hoàng Văn Kình"
"#;
    let e = parse(text).unwrap();
    assert_eq!(e.election.mode, Mode::Meeting);
    assert_eq!(e.election.marking, Marking::Strike);
    assert_eq!(e.election.paper, Paper::A5);
    assert_eq!(e.election.district, None);
    assert_eq!(e.election.date.to_string(), "2024-06-02");
    assert!(e.is_single_candidate());
    assert_eq!(e.election.venue, None);
    assert_eq!(e.election.counting_body, CountingBody::BanKiemPhieu);
    assert_eq!(e.candidates[0].honorific, None);
}

/// The example in household mode, with `deadline` as the collection_deadline line (or none).
fn household(deadline: Option<&str>) -> String {
    let mut text = EXAMPLE_ELECTION
        .replace("mode = \"meeting\"", "mode = \"household\"")
        .replace("counting_body = \"ban_kiem_phieu\"", "");
    if let Some(d) = deadline {
        text = text.replace(
            "# collection_deadline = 2024-10-20T17:00:00",
            &format!("collection_deadline = {d}"),
        );
    }
    text
}

#[test]
fn household_mode_needs_its_collection_deadline() {
    let e = parse(&household(Some("2024-10-20T17:00:00"))).unwrap();
    let d = e.election.collection_deadline.unwrap();
    assert_eq!(d.vi(), "17 giờ 00 phút, ngày 20/10/2024");
    assert_eq!(d.canonical(), "2024-10-20T17:00");
    assert_eq!(e.election.counting_body, CountingBody::ToPhatPhieu);
    for (written, vi) in [
        ("2024-10-20", "hết ngày 20/10/2024"),
        ("\"2024-10-20 07:30\"", "07 giờ 30 phút, ngày 20/10/2024"),
    ] {
        let e = parse(&household(Some(written))).unwrap();
        assert_eq!(
            e.election.collection_deadline.unwrap().vi(),
            vi,
            "{written}"
        );
    }
    let (_, field, message) = located(&household(None));
    assert_eq!(field, "election.collection_deadline");
    assert!(message.contains("household mode"), "{message}");
    for bad in ["\"20/10/2024\"", "2024-10-20T17:00:00+07:00", "2024-10-12"] {
        let (line, field, _) = located(&household(Some(bad)));
        assert_eq!(
            (line, field.as_str()),
            (21, "election.collection_deadline"),
            "{bad}"
        );
    }
    // A meeting has no collection deadline.
    let text = EXAMPLE_ELECTION.replace(
        "# collection_deadline = 2024-10-20T17:00:00",
        "collection_deadline = 2024-10-20",
    );
    let (_, field, message) = located(&text);
    assert_eq!(field, "election.collection_deadline");
    assert!(message.contains("only household"), "{message}");
}

#[test]
fn the_counting_body_fits_the_mode() {
    let text = EXAMPLE_ELECTION.replace("\"ban_kiem_phieu\"", "\"to_bau_cu\"");
    assert_eq!(
        parse(&text).unwrap().election.counting_body,
        CountingBody::ToBauCu
    );
    let text = EXAMPLE_ELECTION.replace("\"ban_kiem_phieu\"", "\"to_phat_phieu\"");
    let (line, field, _) = located(&text);
    assert_eq!((line, field.as_str()), (18, "election.counting_body"));
    let text = household(Some("2024-10-20"))
        .replace("venue =", "counting_body = \"ban_kiem_phieu\"\nvenue =");
    let (_, field, message) = located(&text);
    assert_eq!(field, "election.counting_body");
    assert!(message.contains("Tổ phát phiếu"), "{message}");
    let text = EXAMPLE_ELECTION.replace("\"ban_kiem_phieu\"", "\"ban\"");
    assert_eq!(located(&text).1, "counting_body");
}

#[test]
fn honorifics_are_read_for_the_sheets() {
    let text = EXAMPLE_ELECTION.replace(
        "name = \"Trần Thị Bình\"",
        "name = \"Trần Thị Bình\"\nhonorific = \"Bà\"",
    );
    let e = parse(&text).unwrap();
    assert_eq!(e.candidates[1].honorific, Some(Honorific::Ba));
    assert_eq!(e.candidates[1].addressed(), "Bà Trần Thị Bình");
    assert_eq!(e.candidates[0].addressed(), "Nguyễn Văn An");
    // Not printed on the ballot: the fingerprint does not change.
    assert_eq!(
        Fingerprint::of(&e),
        Fingerprint::of(&parse(EXAMPLE_ELECTION).unwrap())
    );
    let bad = text.replace("\"Bà\"", "\"Cô\"");
    assert_eq!(located(&bad).1, "honorific");
}

#[test]
fn syntax_error_names_the_line() {
    let text = EXAMPLE_ELECTION.replace("households = 412", "households = = 412");
    let (line, field, _) = located(&text);
    assert_eq!((line, field.as_str()), (13, "households"));
    let (line, field, _) = located("[election\ntitle = 1");
    assert_eq!((line, field.as_str()), (1, "(syntax)"));
}

#[test]
fn missing_field_is_named() {
    let text = EXAMPLE_ELECTION.replace("households = 412", "");
    let (line, field, message) = located(&text);
    assert_eq!(field, "households");
    assert!(message.contains("missing"), "{message}");
    assert_eq!(line, 4, "points at the [election] table");
}

#[test]
fn unknown_key_is_named() {
    let text = EXAMPLE_ELECTION.replace("paper = \"A5\"", "papers = \"A5\"");
    let (line, field, _) = located(&text);
    assert_eq!(field, "papers");
    assert_eq!(line, 16);
    let text = EXAMPLE_ELECTION.replace("require_stamp = true", "require_stmap = true");
    assert_eq!(located(&text).1, "require_stmap");
}

#[test]
fn duplicate_id_is_named_at_its_line() {
    let text = EXAMPLE_ELECTION.replace("id = \"c2\"", "id = \"c1\"");
    let (line, field, message) = located(&text);
    assert_eq!(field, "candidates[2].id");
    assert_eq!(line, 31);
    assert!(message.contains("duplicate"));
}

#[test]
fn empty_name_is_refused() {
    let text = EXAMPLE_ELECTION.replace("\"Trần Thị Bình\"", "\"  \"");
    let (line, field, _) = located(&text);
    assert_eq!((line, field.as_str()), (32, "candidates[2].name"));
}

#[test]
fn households_must_be_positive() {
    for bad in ["0", "-5"] {
        let text = EXAMPLE_ELECTION.replace("households = 412", &format!("households = {bad}"));
        let (line, field, _) = located(&text);
        assert_eq!((line, field.as_str()), (13, "election.households"));
    }
}

#[test]
fn approve_boxes_needs_exactly_one_candidate() {
    let text = EXAMPLE_ELECTION.replace("marking = \"strike\"", "marking = \"approve_boxes\"");
    let (_, field, message) = located(&text);
    assert_eq!(field, "election.marking");
    assert!(message.contains("exactly one"), "{message}");
}

#[test]
fn bad_enum_values_and_dates_are_named() {
    let text = EXAMPLE_ELECTION.replace("paper = \"A5\"", "paper = \"Letter\"");
    assert_eq!(located(&text).0, 16);
    assert_eq!(located(&text).1, "paper");
    let text = EXAMPLE_ELECTION.replace("\"2024-10-13\"", "\"13/10/2024\"");
    let (line, field, _) = located(&text);
    assert_eq!((line, field.as_str()), (12, "election.date"));
}

#[test]
fn absurd_sizes_are_refused_not_accepted() {
    let long = "A".repeat(1_000_000);
    let text = EXAMPLE_ELECTION.replace("Trần Thị Bình", &long);
    assert_eq!(located(&text).1, "candidates[2].name");

    let mut many = EXAMPLE_ELECTION
        .split("[[candidates]]")
        .next()
        .unwrap()
        .to_string();
    for i in 0..10_000 {
        writeln!(many, "[[candidates]]\nid = \"c{i}\"\nname = \"Người {i}\"").unwrap();
    }
    let (_, field, message) = located(&many);
    assert_eq!(field, "candidates");
    assert!(message.contains("at most"), "{message}");
}

#[test]
fn names_are_stored_nfc() {
    // "Nguyễn" typed with combining marks (e + circumflex + tilde).
    let decomposed = "Nguye\u{302}\u{303}n Va\u{306}n An";
    let text = EXAMPLE_ELECTION.replace("Nguyễn Văn An", decomposed);
    let e = parse(&text).unwrap();
    assert_eq!(e.candidates[0].name, "Nguyễn Văn An");
    // ... and so the fingerprint is the same as for the precomposed file.
    assert_eq!(
        Fingerprint::of(&e),
        Fingerprint::of(&parse(EXAMPLE_ELECTION).unwrap())
    );
}

#[test]
fn fingerprint_covers_printed_content_only() {
    let base = Fingerprint::of(&parse(EXAMPLE_ELECTION).unwrap());
    let changed = |from: &str, to: &str| {
        Fingerprint::of(&parse(&EXAMPLE_ELECTION.replace(from, to)).unwrap())
    };
    // Printed content changes the fingerprint...
    assert_ne!(changed("Trần Thị Bình", "Trần Thị Bính"), base);
    assert_ne!(changed("Khu phố Đông Sơn", "Khu phố Tây Sơn"), base);
    assert_ne!(changed("paper = \"A5\"", "paper = \"A4\""), base);
    assert_ne!(
        changed("term = \"2024-2027\"", "term = \"2024-2029\""),
        base
    );
    // ... candidate order too.
    let swapped = EXAMPLE_ELECTION
        .replace("id = \"c1\"\nname = \"Nguyễn Văn An\"", "TMP")
        .replace(
            "id = \"c2\"\nname = \"Trần Thị Bình\"",
            "id = \"c1\"\nname = \"Nguyễn Văn An\"",
        )
        .replace("TMP", "id = \"c2\"\nname = \"Trần Thị Bình\"");
    assert_ne!(Fingerprint::of(&parse(&swapped).unwrap()), base);
    // ... and the round of a re-election, printed as "Bầu lại lần N"; round 1 is
    // the first count, printed as before.
    assert_ne!(changed("# round = 2", "round = 2"), base);
    assert_eq!(changed("# round = 2", "round = 1"), base);
    // ... what is not printed does not.
    assert_eq!(changed("households = 412", "households = 413"), base);
    assert_eq!(changed("\"2024-10-13\"", "\"2024-10-14\""), base);
    assert_eq!(
        changed("require_stamp = true", "require_stamp = false"),
        base
    );
    assert_eq!(changed("Nhà văn hóa", "Hội trường"), base);
    assert_eq!(changed("\"ban_kiem_phieu\"", "\"to_bau_cu\""), base);
    // Household ballots print their title and deadline: both are covered.
    let h1 = Fingerprint::of(&parse(&household(Some("2024-10-20"))).unwrap());
    let h2 = Fingerprint::of(&parse(&household(Some("2024-10-21"))).unwrap());
    assert_ne!(h1, base);
    assert_ne!(h1, h2);
}

#[test]
fn round_is_one_by_default_and_checked() {
    let first = parse(EXAMPLE_ELECTION).unwrap();
    assert_eq!(first.election.round, 1);
    assert_eq!(first.re_election(), None);
    let second = parse(&EXAMPLE_ELECTION.replace("# round = 2", "round = 2")).unwrap();
    assert_eq!(second.election.round, 2);
    assert_eq!(second.re_election(), Some(1));
    for bad in ["round = 0", "round = 256", "round = -1"] {
        let err = parse(&EXAMPLE_ELECTION.replace("# round = 2", bad))
            .unwrap_err()
            .to_string();
        assert!(err.contains("election.round"), "{err}");
    }
}

#[test]
fn round_keys_are_named_by_round() {
    let e = std::path::Path::new("dir/e.toml");
    assert_eq!(BallotKey::path_for_round(e, 1), BallotKey::path_for(e));
    assert!(BallotKey::path_for_round(e, 3).ends_with("e.toml.round-3.key"));
}

#[test]
fn key_is_created_private_once_and_reloaded() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let election = dir.path().join("e.toml");
    let k1 = BallotKey::load_or_create(&election).unwrap();
    let path = BallotKey::path_for(&election);
    assert!(path.ends_with("e.toml.key"));
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let k2 = BallotKey::load_or_create(&election).unwrap();
    assert_eq!(k1, k2);
    assert_eq!(format!("{k1:?}"), "BallotKey(..)", "never printed");
    std::fs::write(&path, "nonsense").unwrap();
    assert!(matches!(
        BallotKey::load_or_create(&election),
        Err(KeyError::Malformed { .. })
    ));
}
