//! Nominal sizes per paper.

use crate::election::Paper;

/// Nominal sizes for one paper; text shrinks from these as needed.
pub(super) struct Spec {
    pub(super) header: f64,
    pub(super) title: f64,
    pub(super) info: f64,
    pub(super) instr: f64,
    pub(super) label: f64,
    pub(super) name_max: f64,
    pub(super) name_min: f64,
    pub(super) stamp: f64,
    pub(super) box_side: f64,
    pub(super) gap_max: f64,
}

impl Spec {
    pub(super) fn of(paper: Paper) -> Spec {
        match paper {
            Paper::A4 => Spec {
                header: 3.6,
                title: 7.0,
                info: 4.4,
                instr: 3.8,
                label: 2.2,
                name_max: 8.5,
                name_min: 4.5,
                stamp: 38.0,
                box_side: 10.0,
                gap_max: 22.0,
            },
            Paper::A5 => Spec {
                header: 2.9,
                title: 5.4,
                info: 3.5,
                instr: 3.0,
                label: 1.9,
                name_max: 7.0,
                name_min: 3.6,
                stamp: 32.0,
                box_side: 8.0,
                gap_max: 16.0,
            },
            Paper::A6 => Spec {
                header: 2.2,
                title: 3.9,
                info: 2.6,
                instr: 2.3,
                label: 1.6,
                name_max: 5.0,
                name_min: 2.6,
                stamp: 24.0,
                box_side: 6.5,
                gap_max: 12.0,
            },
        }
    }
}
