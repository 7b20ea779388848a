//! The QR payload printed on each ballot (rules.md §9).
//!
//! Text form: `KP1` + RFC 4648 base32 (no padding) of 24 bytes:
//! election fingerprint prefix (8) ‖ serial (8, big-endian) ‖ MAC (8).
//! Every character is in the QR alphanumeric set, so the 42-character payload
//! fits a version 3 code (29 modules) at error correction level Q.
//! The MAC is HMAC-SHA256 over `KP1` ‖ fingerprint prefix ‖ serial with the
//! election's secret key, truncated to 64 bits.

// Reads data from outside the program: no unchecked numeric conversion.
#![warn(clippy::as_conversions)]

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::election::{BallotKey, Fingerprint};

/// Current payload format tag.
pub const PAYLOAD_PREFIX: &str = "KP1";
const BODY_BYTES: usize = 24;

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
    /// First 8 bytes of the election fingerprint.
    pub fingerprint: [u8; 8],
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
    /// Builds the signed payload for a serial.
    pub fn sign(fingerprint: &Fingerprint, serial: Serial, key: &BallotKey) -> Self {
        let fingerprint = fingerprint.short();
        let mac = compute_mac(fingerprint, serial, key);
        Payload {
            fingerprint,
            serial,
            mac,
        }
    }

    /// The QR text.
    pub fn encode(&self) -> String {
        let mut body = [0u8; BODY_BYTES];
        body[..8].copy_from_slice(&self.fingerprint);
        body[8..16].copy_from_slice(&self.serial.0.to_be_bytes());
        body[16..].copy_from_slice(&self.mac);
        format!(
            "{PAYLOAD_PREFIX}{}",
            data_encoding::BASE32_NOPAD.encode(&body)
        )
    }

    /// Parses QR text; never panics on any input.
    pub fn decode(text: &str) -> Result<Self, PayloadError> {
        let text = text.trim();
        let Some(rest) = text.strip_prefix("KP") else {
            return Err(PayloadError::NotOurs);
        };
        // The version is one digit; base32 bodies may themselves start with digits.
        let mut chars = rest.chars();
        let version = match chars.next() {
            Some(c) if c.is_ascii_digit() => c,
            _ => return Err(PayloadError::NotOurs),
        };
        if version != '1' {
            return Err(PayloadError::UnsupportedVersion(version.to_string()));
        }
        let body = chars.as_str();
        let bytes = data_encoding::BASE32_NOPAD
            .decode(body.as_bytes())
            .map_err(|_| PayloadError::Malformed)?;
        if bytes.len() != BODY_BYTES {
            return Err(PayloadError::Malformed);
        }
        let mut fingerprint = [0u8; 8];
        fingerprint.copy_from_slice(&bytes[..8]);
        let mut serial = [0u8; 8];
        serial.copy_from_slice(&bytes[8..16]);
        let mut mac = [0u8; 8];
        mac.copy_from_slice(&bytes[16..]);
        Ok(Payload {
            fingerprint,
            serial: Serial(u64::from_be_bytes(serial)),
            mac,
        })
    }

    /// Checks the payload belongs to this election and was made with its key.
    pub fn verify(&self, fingerprint: &Fingerprint, key: &BallotKey) -> Result<(), PayloadError> {
        if self.fingerprint != fingerprint.short() {
            return Err(PayloadError::WrongElection);
        }
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes())
            .map_err(|_| PayloadError::Forged)?;
        mac_input(&mut mac, self.fingerprint, self.serial);
        // Constant-time comparison of the truncated tag.
        mac.verify_truncated_left(&self.mac)
            .map_err(|_| PayloadError::Forged)
    }
}

fn mac_input(mac: &mut Hmac<Sha256>, fingerprint: [u8; 8], serial: Serial) {
    mac.update(PAYLOAD_PREFIX.as_bytes());
    mac.update(&fingerprint);
    mac.update(&serial.0.to_be_bytes());
}

#[allow(clippy::expect_used)] // HMAC takes keys of any length: this cannot fail
fn compute_mac(fingerprint: [u8; 8], serial: Serial, key: &BallotKey) -> [u8; 8] {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    mac_input(&mut mac, fingerprint, serial);
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
        assert_eq!(text.len(), 42);
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
            Payload::decode("KP2AAAA"),
            Err(PayloadError::UnsupportedVersion("2".into()))
        );
        assert_eq!(Payload::decode("KP1AAAA"), Err(PayloadError::Malformed));
    }

    proptest! {
        #[test]
        fn round_trip(fpb in any::<u8>(), serial in any::<u64>(), key in any::<[u8; 32]>()) {
            let key = BallotKey::from_bytes(key);
            let p = Payload::sign(&fp(fpb), Serial(serial), &key);
            let back = Payload::decode(&p.encode()).unwrap();
            prop_assert_eq!(back, p);
            prop_assert_eq!(back.verify(&fp(fpb), &key), Ok(()));
        }

        #[test]
        fn any_single_character_change_is_rejected(
            serial in any::<u64>(), pos in 3usize..42, ch in "[A-Z2-7]"
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
