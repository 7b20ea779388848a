//! The review step's input rules, apart from the window: which key stands for
//! which verdict, and when a tap is a second tap that must not decide again.
#![warn(clippy::as_conversions)]

use std::time::{Duration, Instant};

/// A tap this soon after a new ballot appeared is the tail of a double tap on
/// the ballot before it, not a decision on this one.
pub const DEBOUNCE: Duration = Duration::from_millis(700);

/// How long a decision sent for a sheet blocks another one on the same sheet
/// (the service answers in well under this; after it, a failed decision can be retried).
pub const PENDING: Duration = Duration::from_secs(3);

/// The key of the `i`-th verdict: 1–9, then 0, then A, B, C… (as its button shows).
pub fn verdict_key(i: usize) -> String {
    const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXY";
    match i {
        0..=8 => (i + 1).to_string(),
        9 => "0".into(),
        _ => LETTERS
            .get(i - 10)
            .map_or_else(String::new, |c| char::from(*c).to_string()),
    }
}

/// The verdict a key stands for, if any (letters in either case).
pub fn verdict_index(key: &str, options: usize) -> Option<usize> {
    let key = key.to_uppercase();
    (0..options).find(|i| verdict_key(*i) == key)
}

/// What the review step remembers to keep one tap one decision.
#[derive(Debug, Default, Clone)]
pub struct Debounce {
    /// The sheet shown and since when.
    shown: Option<(i64, Instant)>,
    /// The last decision sent: its sheet and when.
    sent: Option<(i64, Instant)>,
}

/// Why a decision was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A decision on this sheet is on its way already (a double tap).
    AlreadySent,
    /// The ballot has just appeared: the tap was meant for the one before.
    JustShown,
}

impl Debounce {
    /// The ballot on screen changed (or came back after an undo).
    pub fn shown(&mut self, sheet: Option<i64>, now: Instant) {
        if sheet != self.shown.map(|s| s.0) {
            self.shown = sheet.map(|s| (s, now));
        }
    }

    /// Whether a decision on `sheet` may be sent now, a ballot shown for less
    /// than `debounce` taking none; remembers it when so.
    pub fn decide(&mut self, sheet: i64, now: Instant, debounce: Duration) -> Result<(), Refusal> {
        if self
            .sent
            .is_some_and(|(s, t)| s == sheet && now.duration_since(t) < PENDING)
        {
            return Err(Refusal::AlreadySent);
        }
        if self
            .shown
            .is_some_and(|(s, t)| s == sheet && now.duration_since(t) < debounce)
        {
            return Err(Refusal::JustShown);
        }
        self.sent = Some((sheet, now));
        Ok(())
    }

    /// A decision was withdrawn: its sheet may be decided again at once.
    pub fn undone(&mut self) {
        self.sent = None;
        self.shown = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_go_past_nine() {
        let keys: Vec<String> = (0..13).map(verdict_key).collect();
        assert_eq!(
            keys,
            [
                "1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "A", "B", "C"
            ]
        );
        for i in 0..35 {
            assert_eq!(verdict_index(&verdict_key(i), 35), Some(i));
        }
        assert_eq!(verdict_index("b", 12), Some(11));
        assert_eq!(verdict_index("0", 9), None);
        // Z is never a verdict key (Ctrl+Z undoes), nor a letter past the options.
        assert_eq!(verdict_index("z", 40), None);
        assert_eq!(verdict_index("x", 30), None);
    }

    #[test]
    fn a_double_tap_decides_once() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut d = Debounce::default();
        d.shown(Some(5), t0);
        assert_eq!(d.decide(5, ms(100), DEBOUNCE), Err(Refusal::JustShown));
        assert_eq!(d.decide(5, ms(800), DEBOUNCE), Ok(()));
        // The second tap, on the same sheet before the next appears.
        assert_eq!(d.decide(5, ms(1400), DEBOUNCE), Err(Refusal::AlreadySent));
        // The next ballot appears; a tap at once is the tail of the double tap.
        d.shown(Some(6), ms(1500));
        assert_eq!(d.decide(6, ms(1600), DEBOUNCE), Err(Refusal::JustShown));
        assert_eq!(d.decide(6, ms(2300), DEBOUNCE), Ok(()));
        // An undo brings sheet 6 back: it may be decided again.
        d.undone();
        d.shown(Some(6), ms(2400));
        assert_eq!(d.decide(6, ms(3200), DEBOUNCE), Ok(()));
        // A decision that failed can be retried after a while.
        assert_eq!(d.decide(6, ms(7000), DEBOUNCE), Ok(()));
    }
}
