//! Builders for tests: an `Election` value made in code, no file needed.

use chrono::NaiveDate;

use crate::election::{
    Candidate, CountingBody, Election, ElectionInfo, Marking, Mode, Paper, Settings,
};

/// A `strike` election with H = 400 and candidates "c1", "c2", … named `names`.
pub fn election(names: &[&str]) -> Election {
    election_with(names, Marking::Strike, 400)
}

/// A one-candidate `approve_boxes` election with H = 400.
pub fn election_boxes() -> Election {
    election_with(&["Nguyễn Văn An"], Marking::ApproveBoxes, 400)
}

/// Any election: candidates get ids "c1", "c2", … in ballot order.
pub fn election_with(names: &[&str], marking: Marking, households: u32) -> Election {
    Election {
        election: ElectionInfo {
            title: "Bầu cử Trưởng thôn".into(),
            office: "Trưởng thôn".into(),
            unit: "Thôn Đông".into(),
            commune: "Xã Tân Hòa".into(),
            district: None,
            province: "Tỉnh Bắc Ninh".into(),
            term: "2024-2027".into(),
            #[allow(clippy::expect_used)] // a constant, valid date
            date: NaiveDate::from_ymd_opt(2024, 10, 13).expect("valid date"),
            households,
            mode: Mode::Meeting,
            marking,
            paper: Paper::A5,
            round: 1,
            venue: None,
            collection_deadline: None,
            counting_body: CountingBody::BanKiemPhieu,
        },
        candidates: names
            .iter()
            .enumerate()
            .map(|(i, name)| Candidate {
                id: format!("c{}", i + 1),
                name: (*name).to_string(),
                honorific: None,
            })
            .collect(),
        settings: Settings::default(),
    }
}
