//! Numbers and dates as printed on the tally sheet (rules.md §7).
//!
//! Integer maths only: a percentage is printed, never used to decide.

use chrono::{Datelike, NaiveDate, Weekday};

pub use super::names::{VietnameseSortKey, same_name, vietnamese_cmp, vietnamese_sort_key};

/// Working days between the meeting and the send-by date (rules.md §7).
pub const SEND_WITHIN_WORKING_DAYS: u32 = 5;

/// `numerator / denominator` as a percentage: two decimals, round half up, decimal comma ("2,05").
///
/// A zero denominator gives "0,00" rather than a panic: an empty unit prints zeros.
pub fn percent(numerator: u64, denominator: u64) -> String {
    if denominator == 0 {
        return "0,00".to_string();
    }
    // floor(n·10000/d + 1/2) = floor((2·n·10000 + d) / 2d); u128 cannot overflow here.
    let n = u128::from(numerator);
    let d = u128::from(denominator);
    let hundredths = (n * 20_000 + d) / (2 * d);
    format!("{},{:02}", hundredths / 100, hundredths % 100)
}

/// The shares of `parts` in `total` as hundredths of a percent (basis points) that add
/// up to exactly 100,00% when the parts make up the total (rules.md §7): each share
/// is cut to two decimals, then the hundredths still missing go one each to the
/// shares whose cut-off remainder is largest (ties: the earlier part). A share thus
/// never differs from the exact ratio by 0,01% or more; for two parts it is the
/// half-up rounding of each, except that two exact halves give the first part the
/// hundredth. Parts that do not sum to `total` are each rounded half up, as
/// [`percent`] does.
pub fn shares(parts: &[u64], total: u64) -> Vec<u64> {
    let half_up = |n: u64| {
        if total == 0 {
            0
        } else {
            let (n, d) = (u128::from(n), u128::from(total));
            u64::try_from((n * 20_000 + d) / (2 * d)).unwrap_or(u64::MAX)
        }
    };
    let sum: u128 = parts.iter().map(|&p| u128::from(p)).sum();
    if total == 0 || sum != u128::from(total) {
        return parts.iter().map(|&p| half_up(p)).collect();
    }
    let d = u128::from(total);
    let mut out: Vec<(u64, u128)> = parts
        .iter()
        .map(|&p| {
            let scaled = u128::from(p) * 10_000;
            (u64::try_from(scaled / d).unwrap_or(u64::MAX), scaled % d)
        })
        .collect();
    let given: u64 = out.iter().map(|(b, _)| *b).sum();
    let missing = 10_000u64.saturating_sub(given);
    let mut order: Vec<usize> = (0..out.len()).collect();
    // Largest remainder first; a stable sort keeps the earlier part first on ties.
    order.sort_by(|&a, &b| out[b].1.cmp(&out[a].1));
    for &i in order
        .iter()
        .take(usize::try_from(missing).unwrap_or(usize::MAX))
    {
        out[i].0 += 1;
    }
    out.into_iter().map(|(b, _)| b).collect()
}

/// Basis points as printed: 2,05 (no percent sign).
pub fn basis_points_vi(bp: u64) -> String {
    format!("{},{:02}", bp / 100, bp % 100)
}

/// True for Monday–Friday that are not in `holidays`.
pub fn is_working_day(day: NaiveDate, holidays: &[NaiveDate]) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&day)
}

/// Meeting date + 5 working days: weekends and `holidays` skipped, the meeting day not counted.
pub fn send_by_date(meeting: NaiveDate, holidays: &[NaiveDate]) -> NaiveDate {
    let mut day = meeting;
    let mut left = SEND_WITHIN_WORKING_DAYS;
    while left > 0 {
        // The end of chrono's calendar is unreachable in practice; stop there rather than panic.
        let Some(next) = day.succ_opt() else {
            return day;
        };
        day = next;
        if is_working_day(day, holidays) {
            left -= 1;
        }
    }
    day
}

/// A date as printed on Vietnamese forms: dd/mm/yyyy.
pub fn date_vi(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
}

/// A time of day as printed on Vietnamese forms: "hh giờ mm phút".
pub fn time_vi(hour: u32, minute: u32) -> String {
    format!("{hour:02} giờ {minute:02} phút")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn percent_examples() {
        assert_eq!(percent(8, 390), "2,05");
        assert_eq!(percent(2, 3), "66,67");
        assert_eq!(percent(1, 3), "33,33");
        assert_eq!(percent(382, 390), "97,95");
        assert_eq!(percent(355, 390), "91,03");
        assert_eq!(percent(22_566, 100_000), "22,57");
        assert_eq!(percent(22_565, 100_000), "22,57");
        assert_eq!(percent(22_564_999, 100_000_000), "22,56");
        assert_eq!(percent(1, 8), "12,50");
        assert_eq!(percent(1, 80_000), "0,00");
        assert_eq!(percent(1, 20_000), "0,01");
        assert_eq!(percent(7, 0), "0,00");
        assert_eq!(percent(0, 5), "0,00");
        assert_eq!(percent(5, 5), "100,00");
        assert_eq!(percent(u64::MAX, u64::MAX), "100,00");
        assert_eq!(percent(u64::MAX, 1), format!("{}00,00", u64::MAX));
    }

    #[test]
    fn dates_as_printed() {
        assert_eq!(date_vi(d(2024, 9, 2)), "02/09/2024");
        assert_eq!(time_vi(8, 5), "08 giờ 05 phút");
    }

    #[test]
    fn send_by_skips_weekends_and_holidays() {
        // 2024-10-11 is a Friday.
        assert_eq!(send_by_date(d(2024, 10, 11), &[]), d(2024, 10, 18));
        // Saturday and Sunday meetings: the following Friday.
        assert_eq!(send_by_date(d(2024, 10, 12), &[]), d(2024, 10, 18));
        assert_eq!(send_by_date(d(2024, 10, 13), &[]), d(2024, 10, 18));
        // Monday → next Monday.
        assert_eq!(send_by_date(d(2024, 10, 14), &[]), d(2024, 10, 21));
        // Quốc khánh 2–3/9/2024 (Mon, Tue): Friday 30/8 → Friday 6/9 + 2 days → Tuesday 10/9.
        let holidays = [d(2024, 9, 2), d(2024, 9, 3)];
        assert_eq!(send_by_date(d(2024, 8, 30), &holidays), d(2024, 9, 10));
        assert_eq!(send_by_date(NaiveDate::MAX, &[]), NaiveDate::MAX);
    }

    /// The legal rule as written (S9): look at the third decimal digit; 5 or more rounds up.
    fn percent_by_third_digit(n: u64, d: u64) -> String {
        if d == 0 {
            return "0,00".into();
        }
        // Long division of n·100 / d, one decimal digit at a time.
        let whole = u128::from(n) * 100 / u128::from(d);
        let mut rem = u128::from(n) * 100 % u128::from(d);
        let mut digits = [0u128; 3];
        for digit in &mut digits {
            rem *= 10;
            *digit = rem / u128::from(d);
            rem %= u128::from(d);
        }
        let mut hundredths = whole * 100 + digits[0] * 10 + digits[1];
        if digits[2] >= 5 {
            hundredths += 1;
        }
        format!("{},{:02}", hundredths / 100, hundredths % 100)
    }

    #[test]
    fn shares_add_up_to_a_hundred() {
        // Two exact halves: the first part takes the hundredth.
        assert_eq!(shares(&[1, 1], 2), vec![5000, 5000]);
        assert_eq!(shares(&[1, 7], 8), vec![1250, 8750]);
        assert_eq!(shares(&[1, 2], 3), vec![3333, 6667]);
        // Three thirds: 33,34 + 33,33 + 33,33.
        assert_eq!(shares(&[1, 1, 1], 3), vec![3334, 3333, 3333]);
        // 1/80000 and the rest: half up alone would give 0,00 + 100,00 as well.
        assert_eq!(shares(&[1, 79_999], 80_000), vec![0, 10_000]);
        // Halves on both sides (0,005 and 99,995): half up prints 0,01 + 100,00 = 100,01.
        assert_eq!(percent(1, 20_000), "0,01");
        assert_eq!(percent(19_999, 20_000), "100,00");
        assert_eq!(shares(&[1, 19_999], 20_000), vec![1, 9_999]);
        // Parts that are not the whole: each rounded half up.
        assert_eq!(shares(&[3, 197], 400), vec![75, 4925]);
        assert_eq!(shares(&[], 0), Vec::<u64>::new());
        assert_eq!(shares(&[3, 4], 0), vec![0, 0]);
        assert_eq!(basis_points_vi(9950), "99,50");
    }

    proptest! {
        #[test]
        fn shares_sum_exactly_and_stay_within_a_hundredth(
            parts in proptest::collection::vec(0u64..5_000, 1..6),
        ) {
            let total: u64 = parts.iter().sum();
            prop_assume!(total > 0);
            let s = shares(&parts, total);
            prop_assert_eq!(s.iter().sum::<u64>(), 10_000);
            for (p, bp) in parts.iter().zip(&s) {
                // |bp − p·10000/total| < 1, as exact fractions.
                let exact = u128::from(*p) * 10_000;
                let printed = u128::from(*bp) * u128::from(total);
                prop_assert!(exact.abs_diff(printed) < u128::from(total));
            }
            if parts.len() == 2 && (parts[0] * 20_000) % (2 * total) != total {
                // Two parts, no exact half: both are the half-up rounding.
                prop_assert_eq!(basis_points_vi(s[0]), percent(parts[0], total));
                prop_assert_eq!(basis_points_vi(s[1]), percent(parts[1], total));
            }
        }

        #[test]
        fn percent_matches_exact_rational(n in 0u64..2_000_000, d in 0u64..2_000_000) {
            prop_assert_eq!(percent(n, d), percent_by_third_digit(n, d));
        }

        #[test]
        fn percent_matches_exact_rational_large(n in any::<u64>(), d in any::<u64>()) {
            prop_assert_eq!(percent(n, d), percent_by_third_digit(n, d));
        }

        #[test]
        fn percent_rounds_to_nearest_hundredth(n in 0u64..100_000, d in 1u64..100_000) {
            // |printed − exact| ≤ 1/200 percent, compared as exact fractions.
            let s = percent(n, d);
            let (int, frac) = s.split_once(',').unwrap();
            let printed: u128 = int.parse::<u128>().unwrap() * 100 + frac.parse::<u128>().unwrap();
            // exact hundredths = n·10000/d; |printed·d − n·10000| ≤ d/2, with ties rounded up.
            let exact = u128::from(n) * 10_000;
            let scaled = printed * u128::from(d);
            let diff = scaled.abs_diff(exact);
            prop_assert!(2 * diff <= u128::from(d));
            if 2 * diff == u128::from(d) {
                prop_assert!(scaled > exact, "half must round up");
            }
        }

        #[test]
        fn send_by_is_five_working_days_later(
            start in 0i32..20_000,
            holiday_offsets in proptest::collection::vec(0i64..30, 0..8),
        ) {
            let meeting = d(2000, 1, 1) + chrono::Days::new(start as u64);
            let holidays: Vec<NaiveDate> = holiday_offsets
                .iter()
                .map(|&o| meeting + chrono::Days::new(o as u64))
                .collect();
            let due = send_by_date(meeting, &holidays);
            prop_assert!(is_working_day(due, &holidays));
            prop_assert!(!matches!(due.weekday(), Weekday::Sat | Weekday::Sun));
            prop_assert!(!holidays.contains(&due));
            let working = meeting
                .iter_days()
                .skip(1)
                .take_while(|&day| day <= due)
                .filter(|&day| is_working_day(day, &holidays))
                .count();
            prop_assert_eq!(working, 5);
        }
    }
}
