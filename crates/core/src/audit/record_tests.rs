//! The recorded hand check: reproducible draws, blind entry, escalation on a
//! planted misreading, and recomputation that catches an altered record.

use super::*;

const SEED: &str = "3141 5926 5358 9793 2384 6264";

/// A unit of 200 households, 180 pages in two boxes: A 120, B 50, 10 invalid.
fn unit() -> (Contest, Vec<AuditPage>) {
    let mut pages = Vec::new();
    for i in 0..180u32 {
        let machine = match i {
            0..120 => SheetReading::Vote("A".into()),
            120..170 => SheetReading::Vote("B".into()),
            _ => SheetReading::Invalid,
        };
        let (batch, place) = if i % 2 == 0 {
            ("Hòm 1", i / 2 + 1)
        } else {
            ("Hòm 2", i / 2 + 1)
        };
        pages.push(AuditPage {
            sheet: i64::from(i) + 1,
            batch: batch.into(),
            place,
            machine,
        });
    }
    let contest = Contest {
        households: 200,
        pages: 0,
        votes: vec![("A".into(), 120), ("B".into(), 50)],
        winner: Some("A".into()),
    };
    (contest, pages)
}

fn hand(reading: SheetReading) -> HandReading {
    HandReading {
        reading,
        official: "Nguyễn Văn An".into(),
        at: "2026-12-03T08:00:00Z".into(),
    }
}

/// Reads every drawn paper as the paper says (here: `truth` of the page).
fn read_all(audit: &mut Audit, truth: &dyn Fn(&AuditPage) -> SheetReading, pages: &[AuditPage]) {
    while let Some(d) = audit.next_unread() {
        let (k, sheet) = (d.draw, d.sheet);
        let page = pages.iter().find(|p| p.sheet == sheet).cloned();
        let reading = page.map_or(SheetReading::NotFound, |p| truth(&p));
        audit.enter(k, hand(reading)).unwrap();
    }
}

#[test]
fn the_same_seed_draws_the_same_pages_and_names_them_by_box_and_place() {
    let (contest, pages) = unit();
    let a = Audit::start(SEED, DEFAULT_RISK_LIMIT, contest.clone(), pages.clone()).unwrap();
    let b = Audit::start(SEED, DEFAULT_RISK_LIMIT, contest, pages.clone()).unwrap();
    assert_eq!(a.record(), b.record());
    assert!(!a.record().draws.is_empty());
    assert_eq!(a.record().contest.pages, 180);
    for d in &a.record().draws {
        let p = &pages[usize::try_from(d.position).unwrap() - 1];
        assert_eq!((d.sheet, &d.batch, d.place), (p.sheet, &p.batch, p.place));
    }
}

#[test]
fn the_machine_reading_is_hidden_until_the_paper_is_read() {
    let (contest, pages) = unit();
    let mut a = Audit::start(SEED, DEFAULT_RISK_LIMIT, contest, pages).unwrap();
    let first = a.next_unread().unwrap().draw;
    assert_eq!(a.machine_reading(first), None);
    a.enter(first, hand(SheetReading::Invalid)).unwrap();
    assert!(a.machine_reading(first).is_some());
    assert_eq!(
        a.enter(first, hand(SheetReading::Invalid)),
        Err(AuditError::AlreadyRead(first))
    );
    assert_eq!(
        a.enter(9999, hand(SheetReading::Invalid)),
        Err(AuditError::NoSuchDraw(9999))
    );
}

#[test]
fn a_clean_sample_confirms_a_clear_winner() {
    let (contest, pages) = unit();
    let mut a = Audit::start(SEED, DEFAULT_RISK_LIMIT, contest, pages.clone()).unwrap();
    read_all(&mut a, &|p| p.machine.clone(), &pages);
    let m = a.measure();
    assert_eq!(m.plan, AuditPlan::Confirmed, "{m:?}");
    assert!(m.risk <= DEFAULT_RISK_LIMIT);
    let line = sheet_line(Some((a.record(), &m)));
    assert!(line.starts_with("Kiểm tra xác suất bằng tay: "), "{line}");
    assert!(line.contains(" 0 sai lệch"), "{line}");
    assert_eq!(recompute(a.record(), &pages).unwrap(), m);
}

#[test]
fn a_planted_misreading_is_found_and_escalated() {
    // The machine gave A every vote of B's box-2 papers: on paper B is close.
    let (mut contest, mut pages) = unit();
    contest.votes = vec![("A".into(), 120), ("B".into(), 50)];
    let truth = |p: &AuditPage| {
        if p.batch == "Hòm 2" && p.machine == SheetReading::Vote("A".into()) {
            SheetReading::Vote("B".into())
        } else {
            p.machine.clone()
        }
    };
    pages.sort_by_key(|p| p.sheet);
    let mut a = Audit::start(SEED, DEFAULT_RISK_LIMIT, contest, pages.clone()).unwrap();
    for _ in 0..40 {
        read_all(&mut a, &truth, &pages);
        match a.measure().plan {
            AuditPlan::MoreDraws { next } => a.extend(next).unwrap(),
            _ => break,
        }
    }
    let m = a.measure();
    assert!(m.overstatements() > 0, "{m:?}");
    assert!(
        matches!(m.plan, AuditPlan::FullHandCount { .. }),
        "a wrong winner must not be confirmed: {m:?}"
    );
    assert_eq!(a.batches_to_count(), vec!["Hòm 2".to_string()]);
    assert!(sheet_line(Some((a.record(), &m))).contains("toàn bộ"));
}

#[test]
fn recomputation_catches_an_altered_draw_or_a_count_of_other_size() {
    let (contest, pages) = unit();
    let mut a = Audit::start(SEED, DEFAULT_RISK_LIMIT, contest, pages.clone()).unwrap();
    read_all(&mut a, &|p| p.machine.clone(), &pages);
    let mut altered = a.record().clone();
    altered.draws[0].position = altered.draws[0].position % 180 + 1;
    assert!(matches!(
        recompute(&altered, &pages),
        Err(AuditError::Altered { draw: 1, .. })
    ));
    let mut other_sheet = a.record().clone();
    other_sheet.draws[0].sheet += 1000;
    assert!(recompute(&other_sheet, &pages).is_err());
    assert!(matches!(
        recompute(a.record(), &pages[1..]),
        Err(AuditError::Pages { .. })
    ));
}

#[test]
fn an_altered_hand_reading_changes_the_recomputed_risk() {
    let (contest, pages) = unit();
    let mut a = Audit::start(SEED, DEFAULT_RISK_LIMIT, contest, pages.clone()).unwrap();
    read_all(&mut a, &|p| p.machine.clone(), &pages);
    let honest = recompute(a.record(), &pages).unwrap();
    let mut altered = a.record().clone();
    for d in &mut altered.draws {
        if let Some(p) = &mut d.paper {
            p.reading = SheetReading::Vote("B".into());
        }
    }
    assert_ne!(recompute(&altered, &pages).unwrap(), honest);
}

#[test]
fn a_bad_seed_or_risk_limit_is_refused() {
    let (contest, pages) = unit();
    assert!(matches!(
        Audit::start("12345", 0.05, contest.clone(), pages.clone()),
        Err(AuditError::Draw(DrawError::Length { digits: 5 }))
    ));
    assert_eq!(
        Audit::start(SEED, 0.0, contest.clone(), pages.clone()),
        Err(AuditError::RiskLimit)
    );
    assert!(matches!(
        Audit::start(SEED, 0.05, contest, Vec::new()),
        Err(AuditError::Draw(DrawError::NoPages))
    ));
}

#[test]
fn percentages_round_up_and_use_a_decimal_comma() {
    assert_eq!(percent(0.05), "5");
    assert_eq!(percent(0.0412), "4,2");
    assert_eq!(percent(1.0), "100");
    assert_eq!(percent(0.0), "0");
    assert_eq!(
        sheet_line(None),
        "Kiểm tra xác suất bằng tay: không thực hiện."
    );
}
