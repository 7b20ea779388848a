//! Who may count and witness (rules.md §11), and the day of the count
//! (rules.md §12), checked before a session opens. Pure: the CLI and the kiosk
//! show the error, which names the person.

use chrono::NaiveDate;

use super::Setup;
use crate::election::{CountingBody, Election};
use crate::rules::{date_vi, person_key, same_person};

/// Why a counting body, its witnesses or the signers of Mẫu 03 are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoardError {
    /// A name is empty.
    #[error("{role}: the name is empty")]
    EmptyName {
        /// Where it was entered.
        role: &'static str,
    },
    /// The body has too few or too many people.
    #[error("{body} has {size} people ({names}); it has {min} to {max}, its head included{why}")]
    Size {
        /// The body's name.
        body: &'static str,
        /// How many were entered.
        size: usize,
        /// Smallest size.
        min: usize,
        /// Largest size.
        max: usize,
        /// Who was entered.
        names: String,
        /// The rule's source, with a leading "; ".
        why: &'static str,
    },
    /// The same person twice on the body.
    #[error("{name} is entered twice on the {body}")]
    Twice {
        /// The person.
        name: String,
        /// The body's name.
        body: &'static str,
    },
    /// A candidate counts or witnesses.
    #[error("{name} is a candidate and may not be {role} (rules.md §11)")]
    Candidate {
        /// The person.
        name: String,
        /// What they were entered as.
        role: String,
    },
    /// Not exactly two witnesses.
    #[error(
        "exactly 2 household representatives witness the count (Decree 59 art. 3(5)(c)); {got} entered{names}"
    )]
    WitnessCount {
        /// How many.
        got: usize,
        /// Who, with a leading ": ".
        names: String,
    },
    /// A witness is on the body.
    #[error("{name} is on the {body} and may not also witness the count")]
    WitnessOnBody {
        /// The person.
        name: String,
        /// The body's name.
        body: &'static str,
    },
    /// The two witnesses are one person.
    #[error("the two witnesses are the same person: {name}")]
    SameWitness {
        /// The person.
        name: String,
    },
    /// Mẫu 03 is signed by two household representatives.
    #[error("Mẫu 03 is signed by 2 household representatives (Law art. 20(2)(g)); {got} entered")]
    RepresentativeCount {
        /// How many.
        got: usize,
    },
    /// The body is not one that counts in this mode.
    #[error("{body} does not count in {mode} mode: {hint}")]
    WrongBody {
        /// The body's code.
        body: &'static str,
        /// meeting | household.
        mode: &'static str,
        /// What to use instead.
        hint: &'static str,
    },
}

/// The body that counts this session: the one chosen at opening, else the election file's.
pub fn counting_body(setup: &Setup, election: &Election) -> CountingBody {
    setup
        .counting_body
        .unwrap_or(election.election.counting_body)
}

/// Checks the counting body, the witnesses and the signers of Mẫu 03 against rules.md §11:
/// the body's size, no candidate on it or among the witnesses (or as chair), exactly
/// two witnesses who are not on the body. The first problem is returned, naming the person.
pub fn check_board(setup: &Setup, election: &Election) -> Result<(), BoardError> {
    let body = counting_body(setup, election);
    if !body.fits(election.election.mode) {
        return Err(if election.is_household() {
            BoardError::WrongBody {
                body: body.code(),
                mode: "household",
                hint: "the Tổ phát phiếu lấy ý kiến counts (to_phat_phieu)",
            }
        } else {
            BoardError::WrongBody {
                body: body.code(),
                mode: "meeting",
                hint: "use ban_kiem_phieu or to_bau_cu",
            }
        });
    }
    let name = body.name_vi();
    let people = setup.board();
    for (i, p) in people.iter().enumerate() {
        if person_key(p).is_empty() {
            return Err(BoardError::EmptyName {
                role: if i == 0 { "--leader" } else { "--member" },
            });
        }
    }
    let size = body.size();
    if !size.contains(&people.len()) {
        return Err(BoardError::Size {
            body: name,
            size: people.len(),
            min: *size.start(),
            max: *size.end(),
            names: people.join(", "),
            why: match body {
                CountingBody::BanKiemPhieu => "; Decree 59 art. 3(5)(c)",
                CountingBody::ToPhatPhieu => "; Decree 59 art. 4",
                CountingBody::ToBauCu => "; the station's rule, the law fixes no size",
            },
        });
    }
    for (i, p) in people.iter().enumerate() {
        if people[..i].iter().any(|q| same_person(p, q)) {
            return Err(BoardError::Twice {
                name: p.clone(),
                body: name,
            });
        }
    }
    let is_candidate = |p: &str| election.candidates.iter().any(|c| same_person(&c.name, p));
    for (i, p) in people.iter().enumerate() {
        if is_candidate(p) {
            let role = if i == 0 {
                format!("{} of the {name}", body.leader_vi())
            } else {
                format!("a member of the {name}")
            };
            return Err(BoardError::Candidate {
                name: p.clone(),
                role,
            });
        }
    }
    check_witnesses(setup, &people, name, &is_candidate)?;
    check_signers(setup, &is_candidate)
}

/// Exactly two witnesses, neither a candidate nor on the body, not one person twice.
fn check_witnesses(
    setup: &Setup,
    people: &[String],
    body: &'static str,
    is_candidate: &dyn Fn(&str) -> bool,
) -> Result<(), BoardError> {
    let w = &setup.witnesses;
    if w.iter().any(|p| person_key(p).is_empty()) {
        return Err(BoardError::EmptyName { role: "--witness" });
    }
    if w.len() != 2 {
        return Err(BoardError::WitnessCount {
            got: w.len(),
            names: if w.is_empty() {
                String::new()
            } else {
                format!(": {}", w.join(", "))
            },
        });
    }
    for p in w {
        if is_candidate(p) {
            return Err(BoardError::Candidate {
                name: p.clone(),
                role: "a witness of the count".into(),
            });
        }
        if people.iter().any(|b| same_person(b, p)) {
            return Err(BoardError::WitnessOnBody {
                name: p.clone(),
                body,
            });
        }
    }
    if same_person(&w[0], &w[1]) {
        return Err(BoardError::SameWitness { name: w[1].clone() });
    }
    Ok(())
}

/// Mẫu 03's signers, when entered: a chair who is no candidate, two representatives.
fn check_signers(setup: &Setup, is_candidate: &dyn Fn(&str) -> bool) -> Result<(), BoardError> {
    for (role, name) in [
        ("--chair", setup.chair.as_deref()),
        ("--front-head", setup.front_head.as_deref()),
    ] {
        if name.is_some_and(|n| person_key(n).is_empty()) {
            return Err(BoardError::EmptyName { role });
        }
    }
    if let Some(chair) = setup.chair.as_deref().filter(|c| is_candidate(c)) {
        return Err(BoardError::Candidate {
            name: chair.to_string(),
            role: "the chair of the meeting".into(),
        });
    }
    let r = &setup.representatives;
    if !r.is_empty() && r.len() != 2 {
        return Err(BoardError::RepresentativeCount { got: r.len() });
    }
    if r.iter().any(|p| person_key(p).is_empty()) {
        return Err(BoardError::EmptyName {
            role: "--representative",
        });
    }
    Ok(())
}

/// The day the session counts, when the election file and the clock disagree and
/// nobody has said which is right (rules.md §12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the election file's date is {} but the station's clock says {}: say which is the day of the count (session open --count-date {} or --count-date {})",
    date_vi(*expected), date_vi(*clock), expected.format("%Y-%m-%d"), clock.format("%Y-%m-%d")
)]
pub struct DateMismatch {
    /// The day the election file names for the count (the meeting, or the end of collection).
    pub expected: NaiveDate,
    /// The station's clock, in Vietnam time.
    pub clock: NaiveDate,
}

/// The day the election file expects the count: the meeting's, or in household
/// mode the last day of collection.
pub fn expected_count_date(election: &Election) -> NaiveDate {
    election
        .election
        .collection_deadline
        .map_or(election.election.date, |d| d.date)
}

/// Why a count date given at opening is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "--count-date {}: neither the election file's date ({}) nor the station's clock ({}); correct the election file or the clock",
    given.format("%Y-%m-%d"), date_vi(*expected), date_vi(*clock)
)]
pub struct UnknownCountDate {
    /// What was given.
    pub given: NaiveDate,
    /// The election file's.
    pub expected: NaiveDate,
    /// The clock's.
    pub clock: NaiveDate,
}

/// The day of the count: the election file's date when the clock agrees, else the
/// day the board named (`given`), which must be one of the two.
pub fn count_date(
    election: &Election,
    clock: NaiveDate,
    given: Option<NaiveDate>,
) -> Result<NaiveDate, CountDateError> {
    let expected = expected_count_date(election);
    match given {
        None if expected == clock => Ok(clock),
        None => Err(CountDateError::Mismatch(DateMismatch { expected, clock })),
        Some(d) if d == expected || d == clock => Ok(d),
        Some(given) => Err(CountDateError::Unknown(UnknownCountDate {
            given,
            expected,
            clock,
        })),
    }
}

/// The day of the count could not be settled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CountDateError {
    /// The two dates differ and nobody chose.
    #[error(transparent)]
    Mismatch(DateMismatch),
    /// The date given is neither.
    #[error(transparent)]
    Unknown(UnknownCountDate),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::election;

    fn setup(board: &[&str], witnesses: &[&str]) -> Setup {
        Setup {
            leader: board[0].into(),
            members: board[1..].iter().map(|s| (*s).to_string()).collect(),
            witnesses: witnesses.iter().map(|s| (*s).to_string()).collect(),
            attendance: 300,
            ..Setup::default()
        }
    }

    const W: [&str; 2] = ["Trần Văn Hùng", "Đỗ Thị Mai"];

    #[test]
    fn a_ban_kiem_phieu_of_three_to_five_without_candidates() {
        let e = election(&["Nguyễn Văn An", "Trần Thị Bình"]);
        let three = ["Nguyễn Thị Hoa", "Lê Văn Ba", "Phạm Thị Lan"];
        assert_eq!(check_board(&setup(&three, &W), &e), Ok(()));
        let err = check_board(&setup(&three[..1], &W), &e).unwrap_err();
        assert!(matches!(err, BoardError::Size { size: 1, .. }));
        assert!(
            err.to_string()
                .contains("Ban kiểm phiếu has 1 people (Nguyễn Thị Hoa)")
        );
        let six = ["A Một", "B Hai", "C Ba", "D Bốn", "E Năm", "G Sáu"];
        assert!(matches!(
            check_board(&setup(&six, &W), &e),
            Err(BoardError::Size { size: 6, .. })
        ));
        // A candidate as head, written with an honorific and other spacing.
        let err = check_board(
            &setup(&["Ông Nguyễn  Văn An", "Lê Văn Ba", "Phạm Thị Lan"], &W),
            &e,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Ông Nguyễn  Văn An is a candidate and may not be Trưởng ban of the Ban kiểm phiếu (rules.md §11)"
        );
        let err =
            check_board(&setup(&["Lê Văn Ba", "Lê văn ba", "Phạm Thị Lan"], &W), &e).unwrap_err();
        assert!(matches!(err, BoardError::Twice { .. }), "{err}");
    }

    #[test]
    fn two_witnesses_neither_candidate_nor_on_the_body() {
        let e = election(&["Nguyễn Văn An", "Trần Thị Bình"]);
        let three = ["Nguyễn Thị Hoa", "Lê Văn Ba", "Phạm Thị Lan"];
        let err = check_board(&setup(&three, &["Trần Thị Bình", "Trần Thị Bình"]), &e).unwrap_err();
        assert!(
            err.to_string().starts_with("Trần Thị Bình is a candidate"),
            "{err}"
        );
        let err = check_board(&setup(&three, &["Đỗ Thị Mai", "Bà Đỗ Thị Mai"]), &e).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the two witnesses are the same person: Bà Đỗ Thị Mai"
        );
        let err = check_board(&setup(&three, &["Trần Thị Bình", "Đỗ Thị Mai"]), &e).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("Trần Thị Bình is a candidate and may not be a witness")
        );
        let err = check_board(&setup(&three, &["Đỗ Thị Mai"]), &e).unwrap_err();
        assert!(err.to_string().contains("1 entered: Đỗ Thị Mai"), "{err}");
        let err = check_board(&setup(&three, &["A", "B", "C"]), &e).unwrap_err();
        assert!(matches!(err, BoardError::WitnessCount { got: 3, .. }));
        let err = check_board(&setup(&three, &["Lê Văn Ba", "Đỗ Thị Mai"]), &e).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Lê Văn Ba is on the Ban kiểm phiếu and may not also witness the count"
        );
        let mut s = setup(&three, &W);
        s.chair = Some("Trần Thị Bình".into());
        assert!(
            check_board(&s, &e)
                .unwrap_err()
                .to_string()
                .contains("the chair")
        );
        s.chair = Some("Nguyễn Thị Hoa".into());
        s.representatives = vec!["X".into()];
        assert_eq!(
            check_board(&s, &e),
            Err(BoardError::RepresentativeCount { got: 1 })
        );
    }

    #[test]
    fn the_body_fits_the_mode() {
        let mut e = election(&["Nguyễn Văn An"]);
        let three = ["Nguyễn Thị Hoa", "Lê Văn Ba", "Phạm Thị Lan"];
        let mut s = setup(&three, &W);
        s.counting_body = Some(CountingBody::ToPhatPhieu);
        assert!(matches!(
            check_board(&s, &e),
            Err(BoardError::WrongBody { .. })
        ));
        e.election.mode = crate::election::Mode::Household;
        e.election.counting_body = CountingBody::ToPhatPhieu;
        assert_eq!(check_board(&s, &e), Ok(()));
        s.counting_body = Some(CountingBody::ToBauCu);
        assert!(matches!(
            check_board(&s, &e),
            Err(BoardError::WrongBody { .. })
        ));
    }

    #[test]
    fn the_day_of_the_count_is_asked_when_the_dates_differ() {
        let e = election(&["Nguyễn Văn An"]);
        let day = |d| NaiveDate::from_ymd_opt(2024, 10, d).unwrap();
        assert_eq!(count_date(&e, day(13), None), Ok(day(13)));
        let err = count_date(&e, day(14), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the election file's date is 13/10/2024 but the station's clock says 14/10/2024: say which is the day of the count (session open --count-date 2024-10-13 or --count-date 2024-10-14)"
        );
        assert_eq!(count_date(&e, day(14), Some(day(13))), Ok(day(13)));
        assert_eq!(count_date(&e, day(14), Some(day(14))), Ok(day(14)));
        assert!(matches!(
            count_date(&e, day(14), Some(day(15))),
            Err(CountDateError::Unknown(_))
        ));
    }
}
