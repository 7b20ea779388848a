//! Word wrapping, the one typesetting rule shared by the ballot, the biên bản and
//! the tally tape: greedy, word by word, each line as wide as the measure allows.
//!
//! The caller measures (its own font, size and units), so this module knows
//! nothing of fonts and is tested on plain character counts.

/// What to do with a single word wider than a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LongWords {
    /// Leave it alone on its own (overlong) line: names are never broken.
    Keep,
    /// Break it between characters (the narrow tally tape).
    Split,
}

/// Breaks `text` into lines whose measured width is at most `max`.
///
/// Words are separated by white space and joined by one space. Always returns at
/// least one line (an empty one for empty text). `width` measures a candidate
/// line; its error stops the wrap (e.g. a glyph missing from the font).
pub fn wrap<E>(
    text: &str,
    max: f64,
    long: LongWords,
    mut width: impl FnMut(&str) -> Result<f64, E>,
) -> Result<Vec<String>, E> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if line.is_empty() || width(&candidate)? <= max {
            line = candidate;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        }
        if long == LongWords::Split && width(&line)? > max {
            split_word(&mut line, &mut lines, max, &mut width)?;
        }
    }
    lines.push(line);
    Ok(lines)
}

/// Moves the too-wide `line` (one word) into `lines` piece by piece, keeping
/// the last piece in `line`.
fn split_word<E>(
    line: &mut String,
    lines: &mut Vec<String>,
    max: f64,
    width: &mut impl FnMut(&str) -> Result<f64, E>,
) -> Result<(), E> {
    let word = std::mem::take(line);
    for ch in word.chars() {
        let next = format!("{line}{ch}");
        if !line.is_empty() && width(&next)? > max {
            lines.push(std::mem::take(line));
            line.push(ch);
        } else {
            *line = next;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[allow(clippy::unnecessary_wraps)] // the measure's signature: `wrap` takes fallible ones
    fn chars(s: &str) -> Result<f64, ()> {
        #[allow(clippy::cast_precision_loss)] // short test strings
        Ok(s.chars().count() as f64)
    }

    #[test]
    fn wraps_at_words() {
        let lines = wrap(
            "Nguyễn Văn An và Trần Thị Bình",
            12.0,
            LongWords::Keep,
            chars,
        );
        assert_eq!(
            lines,
            Ok(vec![
                "Nguyễn Văn".to_string(),
                "An và Trần".into(),
                "Thị Bình".into()
            ])
        );
    }

    #[test]
    fn empty_text_is_one_empty_line() {
        assert_eq!(
            wrap("", 5.0, LongWords::Keep, chars),
            Ok(vec![String::new()])
        );
    }

    #[test]
    fn long_words_kept_or_split() {
        assert_eq!(
            wrap("abcdefgh ij", 3.0, LongWords::Keep, chars),
            Ok(vec!["abcdefgh".to_string(), "ij".into()])
        );
        assert_eq!(
            wrap("abcdefgh ij", 3.0, LongWords::Split, chars),
            Ok(vec![
                "abc".to_string(),
                "def".into(),
                "gh".into(),
                "ij".into()
            ])
        );
    }

    proptest! {
        #[test]
        fn no_word_lost_and_lines_fit(words in proptest::collection::vec("[a-zđ]{1,9}", 0..20), max in 3usize..30) {
            let text = words.join(" ");
            #[allow(clippy::cast_precision_loss)] // small test widths
            let lines = wrap(&text, max as f64, LongWords::Keep, chars).unwrap_or_default();
            let joined = lines.join(" ");
            prop_assert_eq!(
                joined.split_whitespace().collect::<Vec<_>>(),
                text.split_whitespace().collect::<Vec<_>>()
            );
            for l in &lines {
                prop_assert!(l.chars().count() <= max || !l.contains(' '));
            }
            let split = wrap(&text, max as f64, LongWords::Split, chars).unwrap_or_default();
            prop_assert!(split.iter().all(|l| l.chars().count() <= max));
        }
    }
}
