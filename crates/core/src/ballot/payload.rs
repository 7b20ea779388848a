//! The QR payload printed on each ballot (rules.md §9, §10).
//!
//! Text form, version 2 (printed since rounds exist): `KP2` + RFC 4648 base32
//! (no padding) of 25 bytes: election fingerprint prefix (8) ‖ round (1) ‖
//! serial (8, big-endian) ‖ MAC (8) — 43 characters. Version 1, `KP1` + 24
//! bytes without the round (42 characters), still reads, as round 1.
//! Every character is in the QR alphanumeric set, so either fits a version 3
//! code (29 modules) at error correction level Q (47 characters at most).
//! The MAC is HMAC-SHA256 over the tag (`KP1` / `KP2`) ‖ fingerprint prefix
//! [‖ round] ‖ serial with the round's secret key, truncated to 64 bits.

// Reads data from outside the program: no unchecked numeric conversion.
#![warn(clippy::as_conversions)]

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::election::{BallotKey, Fingerprint};

/// Current payload format tag (version 2: the code carries the round).
pub const PAYLOAD_PREFIX: &str = "KP2";
/// The first format's tag: no round in the code (read as round 1).
pub const PAYLOAD_PREFIX_V1: &str = "KP1";
const BODY_BYTES_V1: usize = 24;
const BODY_BYTES_V2: usize = 25;

/// A ballot's random serial (never sequential, never linked to a voter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Serial(pub u64);

impl Serial {
    /// Draws a fresh random serial.
    pub fn random(rng: &mut impl rand::RngCore) -> Self {
        Serial(rng.next_u64())
    }

    /// Parses the 16 hex digits of [`Serial`]'s display form.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 16 {
            return None;
        }
        u64::from_str_radix(text, 16).ok().map(Serial)
    }
}

impl std::fmt::Display for Serial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016X}", self.0)
    }
}

impl serde::Serialize for Serial {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for Serial {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Serial::parse(&text).ok_or_else(|| serde::de::Error::custom("serial must be 16 hex digits"))
    }
}

/// The decoded, not yet verified, content of a ballot QR code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payload {
    /// Format version: 1 (`KP1`, no round) or 2 (`KP2`).
    pub version: u8,
    /// First 8 bytes of the election fingerprint.
    pub fingerprint: [u8; 8],
    /// The round the ballot was printed for (1 for a `KP1` code).
    pub round: u8,
    /// The ballot serial.
    pub serial: Serial,
    /// Truncated HMAC-SHA256.
    pub mac: [u8; 8],
}

/// Why a QR text is not a ballot payload, or not a genuine one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// Not a kiemphieu code at all.
    #[error("not a kiemphieu ballot code")]
    NotOurs,
    /// A kiemphieu code of a format version this program does not know.
    #[error("unsupported ballot code version `{0}`")]
    UnsupportedVersion(String),
    /// Right prefix, but the body is damaged.
    #[error("damaged ballot code")]
    Malformed,
    /// A genuine-looking code of another election.
    #[error("ballot of another election")]
    WrongElection,
    /// The MAC does not match: not printed by this election's key.
    #[error("ballot code fails its authentication (forged or altered)")]
    Forged,
}

impl Payload {
    /// Builds the signed payload of a first-count ballot (round 1).
    pub fn sign(fingerprint: &Fingerprint, serial: Serial, key: &BallotKey) -> Self {
        Self::sign_round(fingerprint, 1, serial, key)
    }

    /// Builds the signed payload of a ballot of `round` (1-255; out of range is clamped).
    pub fn sign_round(
        fingerprint: &Fingerprint,
        round: u32,
        serial: Serial,
        key: &BallotKey,
    ) -> Self {
        let mut p = Payload {
            version: 2,
            fingerprint: fingerprint.short(),
            round: u8::try_from(round.clamp(1, 255)).unwrap_or(u8::MAX),
            serial,
            mac: [0; 8],
        };
        p.mac = compute_mac(&p, key);
        p
    }

    /// The QR text.
    pub fn encode(&self) -> String {
        let mut body = Vec::with_capacity(BODY_BYTES_V2);
        body.extend_from_slice(&self.fingerprint);
        if self.version >= 2 {
            body.push(self.round);
        }
        body.extend_from_slice(&self.serial.0.to_be_bytes());
        body.extend_from_slice(&self.mac);
        format!(
            "{}{}",
            self.tag(),
            data_encoding::BASE32_NOPAD.encode(&body)
        )
    }

    /// The format tag of this payload's version.
    fn tag(&self) -> &'static str {
        if self.version >= 2 {
            PAYLOAD_PREFIX
        } else {
            PAYLOAD_PREFIX_V1
        }
    }

    /// Parses QR text; never panics on any input.
    pub fn decode(text: &str) -> Result<Self, PayloadError> {
        let text = text.trim();
        let Some(rest) = text.strip_prefix("KP") else {
            return Err(PayloadError::NotOurs);
        };
        // The version is one digit; base32 bodies may themselves start with digits.
        let mut chars = rest.chars();
        let (version, expected) = match chars.next() {
            Some('1') => (1u8, BODY_BYTES_V1),
            Some('2') => (2u8, BODY_BYTES_V2),
            Some(c) if c.is_ascii_digit() => {
                return Err(PayloadError::UnsupportedVersion(c.to_string()));
            }
            _ => return Err(PayloadError::NotOurs),
        };
        let bytes = data_encoding::BASE32_NOPAD
            .decode(chars.as_str().as_bytes())
            .map_err(|_| PayloadError::Malformed)?;
        if bytes.len() != expected {
            return Err(PayloadError::Malformed);
        }
        let take8 = |at: usize| -> [u8; 8] {
            let mut out = [0u8; 8];
            out.copy_from_slice(&bytes[at..at + 8]);
            out
        };
        let (round, rest) = if version == 2 { (bytes[8], 9) } else { (1, 8) };
        if round == 0 {
            return Err(PayloadError::Malformed);
        }
        Ok(Payload {
            version,
            fingerprint: take8(0),
            round,
            serial: Serial(u64::from_be_bytes(take8(rest))),
            mac: take8(rest + 8),
        })
    }

    /// Checks the payload belongs to this election and was made with its key
    /// (the round is the caller's to compare: see [`Payload::round`]).
    pub fn verify(&self, fingerprint: &Fingerprint, key: &BallotKey) -> Result<(), PayloadError> {
        if self.fingerprint != fingerprint.short() {
            return Err(PayloadError::WrongElection);
        }
        if self.mac_matches(key) {
            Ok(())
        } else {
            Err(PayloadError::Forged)
        }
    }

    /// Whether the MAC was made with `key` (constant-time comparison).
    pub fn mac_matches(&self, key: &BallotKey) -> bool {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()) else {
            return false;
        };
        mac_input(&mut mac, self);
        mac.verify_truncated_left(&self.mac).is_ok()
    }
}

fn mac_input(mac: &mut Hmac<Sha256>, p: &Payload) {
    mac.update(p.tag().as_bytes());
    mac.update(&p.fingerprint);
    if p.version >= 2 {
        mac.update(&[p.round]);
    }
    mac.update(&p.serial.0.to_be_bytes());
}

#[allow(clippy::expect_used)] // HMAC takes keys of any length: this cannot fail
fn compute_mac(p: &Payload, key: &BallotKey) -> [u8; 8] {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    mac_input(&mut mac, p);
    let tag = mac.finalize().into_bytes();
    let mut out = [0u8; 8];
    out.copy_from_slice(&tag[..8]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fp(b: u8) -> Fingerprint {
        Fingerprint([b; 32])
    }

    #[test]
    fn text_is_qr_alphanumeric_and_short() {
        let p = Payload::sign(
            &fp(7),
            Serial(0xDEAD_BEEF_0123_4567),
            &BallotKey::from_bytes([1; 32]),
        );
        let text = p.encode();
        assert_eq!(text.len(), 43);
        assert!(text.starts_with("KP2"));
        assert!(
            text.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
    }

    #[test]
    fn wrong_election_and_forgery_are_told_apart() {
        let key = BallotKey::from_bytes([1; 32]);
        let p = Payload::sign(&fp(7), Serial(42), &key);
        assert_eq!(p.verify(&fp(7), &key), Ok(()));
        assert_eq!(p.verify(&fp(8), &key), Err(PayloadError::WrongElection));
        assert_eq!(
            p.verify(&fp(7), &BallotKey::from_bytes([2; 32])),
            Err(PayloadError::Forged)
        );
        let forged = Payload {
            serial: Serial(43),
            ..p
        };
        assert_eq!(forged.verify(&fp(7), &key), Err(PayloadError::Forged));
    }

    #[test]
    fn foreign_and_future_codes_are_named() {
        assert_eq!(
            Payload::decode("https://example.org"),
            Err(PayloadError::NotOurs)
        );
        assert_eq!(Payload::decode(""), Err(PayloadError::NotOurs));
        assert_eq!(
            Payload::decode("KP3AAAA"),
            Err(PayloadError::UnsupportedVersion("3".into()))
        );
        assert_eq!(Payload::decode("KP1AAAA"), Err(PayloadError::Malformed));
        assert_eq!(Payload::decode("KP2AAAA"), Err(PayloadError::Malformed));
    }

    /// A version 1 code as the first printings made it: `KP1` ‖ fp ‖ serial ‖ MAC.
    fn v1_text(fp: &Fingerprint, serial: Serial, key: &BallotKey) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(b"KP1");
        mac.update(&fp.short());
        mac.update(&serial.0.to_be_bytes());
        let tag = mac.finalize().into_bytes();
        let mut body = fp.short().to_vec();
        body.extend_from_slice(&serial.0.to_be_bytes());
        body.extend_from_slice(&tag[..8]);
        format!("KP1{}", data_encoding::BASE32_NOPAD.encode(&body))
    }

    #[test]
    fn version_1_codes_still_read_as_round_1() {
        let key = BallotKey::from_bytes([5; 32]);
        let text = v1_text(&fp(4), Serial(77), &key);
        assert_eq!(text.len(), 42);
        let p = Payload::decode(&text).unwrap();
        assert_eq!((p.version, p.round, p.serial), (1, 1, Serial(77)));
        assert_eq!(p.verify(&fp(4), &key), Ok(()));
        assert_eq!(p.encode(), text, "re-encodes as it was printed");
    }

    #[test]
    fn the_round_is_carried_and_authenticated() {
        let key = BallotKey::from_bytes([6; 32]);
        let p = Payload::sign_round(&fp(1), 2, Serial(9), &key);
        let back = Payload::decode(&p.encode()).unwrap();
        assert_eq!(back.round, 2);
        assert!(back.mac_matches(&key));
        // The same serial in another round is another code, and changing the
        // round byte breaks the MAC.
        let other = Payload { round: 3, ..back };
        assert!(!other.mac_matches(&key));
        assert_ne!(Payload::sign(&fp(1), Serial(9), &key).encode(), p.encode());
    }

    proptest! {
        #[test]
        fn round_trip(
            fpb in any::<u8>(), round in 1u32..=255, serial in any::<u64>(), key in any::<[u8; 32]>()
        ) {
            let key = BallotKey::from_bytes(key);
            let p = Payload::sign_round(&fp(fpb), round, Serial(serial), &key);
            let back = Payload::decode(&p.encode()).unwrap();
            prop_assert_eq!(back, p);
            prop_assert_eq!(u32::from(back.round), round);
            prop_assert_eq!(back.verify(&fp(fpb), &key), Ok(()));
        }

        #[test]
        fn any_single_character_change_is_rejected(
            serial in any::<u64>(), pos in 3usize..43, ch in "[A-Z2-7]"
        ) {
            let key = BallotKey::from_bytes([9; 32]);
            let p = Payload::sign(&fp(3), Serial(serial), &key);
            let text = p.encode();
            let mut chars: Vec<char> = text.chars().collect();
            let new = ch.chars().next().unwrap();
            prop_assume!(chars[pos] != new);
            chars[pos] = new;
            let altered: String = chars.into_iter().collect();
            let verdict = Payload::decode(&altered).and_then(|q| q.verify(&fp(3), &key));
            prop_assert!(verdict.is_err());
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,80}") {
            let _ = Payload::decode(&text);
        }

        #[test]
        fn serial_display_round_trips(serial in any::<u64>()) {
            prop_assert_eq!(Serial::parse(&Serial(serial).to_string()), Some(Serial(serial)));
        }
    }
}
