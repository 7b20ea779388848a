//! Candidate names: NFC comparison and Vietnamese alphabetical order (rules.md §2).
//!
//! Collation follows the usual Vietnamese dictionary order (as in CLDR `vi`):
//! letters first (a ă â b c d đ e ê … o ô ơ … u ư …), then tones
//! (none, huyền, hỏi, ngã, sắc, nặng), then case. Digraphs (ch, ng, …) are
//! not special, which is what modern lists and CLDR do.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// True when two names are the same text once both are NFC-normalised.
pub fn same_name(a: &str, b: &str) -> bool {
    a.nfc().eq(b.nfc())
}

/// A person's name for comparison: NFC, lower case, single spaces, without a
/// leading "Ông" / "Bà" (people are entered with or without it).
pub fn person_key(name: &str) -> String {
    let words: Vec<String> = name
        .nfc()
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let skip = usize::from(words.len() > 1 && matches!(words[0].as_str(), "ông" | "bà"));
    words[skip..].join(" ")
}

/// True when two entered names are the same person by [`person_key`]
/// ("Bà Nguyễn Thị Hoa" and "nguyễn  thị hoa" are).
pub fn same_person(a: &str, b: &str) -> bool {
    person_key(a) == person_key(b)
}

/// Vietnamese letters in order; f, j, w, z take their Latin places for foreign names.
const ALPHABET: [char; 33] = [
    'a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'ô', 'ơ', 'p', 'q', 'r', 's', 't', 'u', 'ư', 'v', 'w', 'x', 'y', 'z',
];

/// A sort key: compare keys to sort names in Vietnamese order.
///
/// Equal keys mean NFC-equal names, so the order is total and agrees with `same_name`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct VietnameseSortKey {
    /// Base letters, case- and tone-blind (first level).
    primary: Vec<u32>,
    /// Tone (and any foreign accent) of each letter (second level).
    secondary: Vec<u32>,
    /// Upper case after lower case (third level).
    tertiary: Vec<u8>,
    /// Last resort, so only NFC-equal names compare equal.
    nfc: String,
}

/// The Vietnamese sort key of a name (see `VietnameseSortKey`).
pub fn vietnamese_sort_key(name: &str) -> VietnameseSortKey {
    let mut key = VietnameseSortKey {
        primary: Vec::new(),
        secondary: Vec::new(),
        tertiary: Vec::new(),
        nfc: name.nfc().collect(),
    };
    // Group the decomposed text into a base character and its combining marks.
    let mut chars = name.nfd().peekable();
    while let Some(base) = chars.next() {
        let mut marks = Vec::new();
        while let Some(&m) = chars.peek() {
            if !is_combining(m) {
                break;
            }
            marks.push(m);
            chars.next();
        }
        push_cluster(&mut key, base, &marks);
    }
    key
}

/// Compares two names in Vietnamese alphabetical order.
pub fn vietnamese_cmp(a: &str, b: &str) -> Ordering {
    vietnamese_sort_key(a).cmp(&vietnamese_sort_key(b))
}

/// The combining marks that can follow a base character in NFD text.
fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}')
}

/// Adds one base character with its marks to the three levels of the key.
fn push_cluster(key: &mut VietnameseSortKey, base: char, marks: &[char]) {
    let lower = base.to_lowercase().next().unwrap_or(base);
    let upper = u8::from(lower != base);
    let mut letter = lower;
    let mut tone = 0u32;
    let mut other = 0u32;
    for &m in marks {
        match (letter, m) {
            // Vowel shapes make new letters (first level).
            ('a', '\u{0306}') => letter = 'ă',
            ('a', '\u{0302}') => letter = 'â',
            ('e', '\u{0302}') => letter = 'ê',
            ('o', '\u{0302}') => letter = 'ô',
            ('o', '\u{031B}') => letter = 'ơ',
            ('u', '\u{031B}') => letter = 'ư',
            // Tones, in dictionary order (second level).
            (_, '\u{0300}') => tone = 1,
            (_, '\u{0309}') => tone = 2,
            (_, '\u{0303}') => tone = 3,
            (_, '\u{0301}') => tone = 4,
            (_, '\u{0323}') => tone = 5,
            // Any other accent (foreign names) sorts after all tones.
            _ => other = other.max(u32::from(m)),
        }
    }
    let primary = if let Some(i) = ALPHABET.iter().position(|&c| c == letter) {
        100 + i as u32
    } else if let Some(digit) = letter.to_digit(10) {
        10 + digit
    } else if letter.is_whitespace() {
        // Before any letter, so "An" < "An Bình" < "Anh".
        1
    } else if letter.is_ascii_punctuation() {
        2
    } else {
        1000 + u32::from(letter)
    };
    key.primary.push(primary);
    key.secondary
        .push(if other > 0 { 100 + other } else { tone });
    key.tertiary.push(upper);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_compare_without_honorific_case_or_spacing() {
        assert!(same_person("Bà Nguyễn Thị Hoa", "nguyễn  thị hoa"));
        assert!(same_person("ÔNG Lê Văn Ba", "Lê Văn Ba"));
        assert!(same_person("Nguye\u{302}\u{303}n Văn An", "Nguyễn Văn An"));
        assert!(!same_person("Lê Văn Ba", "Lê Văn Bá"));
        // A one-word name is never taken for an honorific.
        assert_eq!(person_key("Bà"), "bà");
    }

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(std::string::ToString::to_string).collect();
        v.sort_by(|a, b| vietnamese_cmp(a, b));
        v
    }

    #[test]
    fn letters_in_vietnamese_order() {
        let expected = [
            "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l", "m", "n", "o",
            "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y",
        ];
        let mut shuffled = expected.to_vec();
        shuffled.reverse();
        assert_eq!(sorted(&shuffled), expected);
    }

    #[test]
    fn tones_after_letters_in_dictionary_order() {
        let expected = ["a", "à", "ả", "ã", "á", "ạ", "ă", "ằ", "ặ", "â", "ấ", "b"];
        let mut shuffled = expected.to_vec();
        shuffled.rotate_left(5);
        assert_eq!(sorted(&shuffled), expected);
        // The letter decides before the tone: "ác" < "ăn" although á has a tone.
        assert_eq!(vietnamese_cmp("ác", "ăn"), Ordering::Less);
        // Tone of an earlier letter wins over a later letter's tone only when letters are equal.
        assert_eq!(vietnamese_cmp("Bá", "Bà"), Ordering::Greater);
    }

    #[test]
    fn names_sort_word_by_word() {
        assert_eq!(
            sorted(&[
                "Lê Anh",
                "Lê An Bình",
                "Lê An",
                "Đỗ Minh",
                "Dương Tú",
                "Trần Thị Bình"
            ]),
            [
                "Dương Tú",
                "Đỗ Minh",
                "Lê An",
                "Lê An Bình",
                "Lê Anh",
                "Trần Thị Bình"
            ]
        );
    }

    #[test]
    fn case_is_third_level() {
        assert_eq!(vietnamese_cmp("an", "An"), Ordering::Less);
        assert_eq!(vietnamese_cmp("An", "ai"), Ordering::Greater);
        assert_eq!(vietnamese_cmp("Đ", "đ"), Ordering::Greater);
        assert_eq!(vietnamese_cmp("Đa", "da"), Ordering::Greater);
    }

    #[test]
    fn combining_and_precomposed_are_equal() {
        let precomposed = "Nguyễn Thị Ánh Tuyết";
        let combining: String = precomposed.nfd().collect();
        assert_ne!(precomposed, combining);
        assert!(same_name(precomposed, &combining));
        assert_eq!(vietnamese_cmp(precomposed, &combining), Ordering::Equal);
        assert_eq!(
            vietnamese_sort_key(precomposed),
            vietnamese_sort_key(&combining)
        );
        assert!(!same_name("Nguyễn Văn An", "Nguyễn Văn Ân"));
    }

    #[test]
    fn foreign_accents_and_symbols_do_not_panic() {
        let names = [
            "Müller", "Muller", "Mùller", "O'Neil", "Ồ-Ô", "李", "", " ", "A1", "A 1",
        ];
        let s = sorted(&names);
        assert_eq!(s.len(), names.len());
        assert_eq!(vietnamese_cmp("Muller", "Mùller"), Ordering::Less);
        assert_eq!(vietnamese_cmp("Mùller", "Müller"), Ordering::Less);
    }
}
