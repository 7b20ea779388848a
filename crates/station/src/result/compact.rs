//! The compact signed result for a QR code: `KPR1` + base32 (RFC 4648, no
//! padding: QR alphanumeric mode) of a short binary body and its Ed25519
//! signature. The body carries what a commune officer checks by phone: the
//! election and station, the counts, the votes and the winner, and a prefix of
//! the root hash that ties it to the full signed result.

use data_encoding::BASE32_NOPAD;

use crate::signing::{PublicKey, StationKey};

/// Prefix of the QR text; also signed, so a body cannot be re-labelled.
pub const COMPACT_PREFIX: &str = "KPR1";

/// The compact result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compact {
    /// The session is confirmed and closed (not a draft).
    pub is_final: bool,
    /// First 8 bytes of the election fingerprint.
    pub fingerprint: [u8; 8],
    /// Station id (first 8 bytes of SHA-256 of its public key).
    pub station: [u8; 8],
    /// Session id.
    pub session: u32,
    /// H.
    pub households: u32,
    /// A.
    pub attendance: u32,
    /// Ballots issued.
    pub issued: u32,
    /// Ballots returned (entered at reconciliation).
    pub returned: u32,
    /// Valid ballots.
    pub valid: u32,
    /// Invalid ballots.
    pub invalid: u32,
    /// Votes per candidate, in ballot order.
    pub votes: Vec<u32>,
    /// Disapprove votes (one-candidate units).
    pub disapprove: u32,
    /// Index of the winner in ballot order, if any.
    pub winner: Option<u8>,
    /// First 8 bytes of the result's root hash.
    pub root: [u8; 8],
}

/// Why a compact text is not a well-formed result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompactError {
    /// It does not start with `KPR1`.
    #[error("not a kiemphieu result code (no KPR1 prefix)")]
    Prefix,
    /// Not base32.
    #[error("not base32")]
    Base32,
    /// Too short, a bad number or trailing bytes.
    #[error("malformed result code: {0}")]
    Malformed(&'static str),
    /// Unknown body version.
    #[error("unknown result code version {0}")]
    Version(u8),
}

/// A compact result with its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCompact {
    /// The fields.
    pub compact: Compact,
    /// Ed25519 signature over `KPR1` ‖ body.
    pub signature: [u8; 64],
}

fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, CompactError> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or(CompactError::Malformed("too short"))?;
        self.pos += 1;
        Ok(b)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], CompactError> {
        let mut out = [0u8; N];
        for b in &mut out {
            *b = self.byte()?;
        }
        Ok(out)
    }

    fn varint(&mut self) -> Result<u32, CompactError> {
        let mut v: u64 = 0;
        for i in 0..5 {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                // One encoding per number: no redundant trailing zero groups.
                if i > 0 && b == 0 {
                    return Err(CompactError::Malformed("non-minimal number"));
                }
                return u32::try_from(v).map_err(|_| CompactError::Malformed("number too large"));
            }
        }
        Err(CompactError::Malformed("number too long"))
    }
}

impl Compact {
    /// The binary body (what is signed, after the prefix).
    pub fn body(&self) -> Vec<u8> {
        let mut out = vec![
            1u8,
            u8::from(self.is_final) | (u8::from(self.winner.is_some()) << 1),
        ];
        out.extend_from_slice(&self.fingerprint);
        out.extend_from_slice(&self.station);
        for v in [
            self.session,
            self.households,
            self.attendance,
            self.issued,
            self.returned,
            self.valid,
            self.invalid,
        ] {
            put_varint(&mut out, v);
        }
        out.push(self.votes.len().min(255) as u8);
        for &v in self.votes.iter().take(255) {
            put_varint(&mut out, v);
        }
        put_varint(&mut out, self.disapprove);
        if let Some(w) = self.winner {
            out.push(w);
        }
        out.extend_from_slice(&self.root);
        out
    }

    /// The message the station signs.
    pub fn message(&self) -> Vec<u8> {
        let mut m = COMPACT_PREFIX.as_bytes().to_vec();
        m.extend(self.body());
        m
    }

    /// Signs with the station key.
    pub fn sign(self, key: &StationKey) -> SignedCompact {
        let signature = key.sign(&self.message());
        SignedCompact {
            compact: self,
            signature,
        }
    }

    fn parse_body(body: &[u8]) -> Result<Compact, CompactError> {
        let mut r = Reader {
            bytes: body,
            pos: 0,
        };
        let version = r.byte()?;
        if version != 1 {
            return Err(CompactError::Version(version));
        }
        let flags = r.byte()?;
        if flags & !3 != 0 {
            return Err(CompactError::Malformed("unknown flags"));
        }
        let fingerprint = r.array()?;
        let station = r.array()?;
        let mut nums = [0u32; 7];
        for n in &mut nums {
            *n = r.varint()?;
        }
        let n = r.byte()?;
        let votes = (0..n).map(|_| r.varint()).collect::<Result<Vec<_>, _>>()?;
        let disapprove = r.varint()?;
        let winner = if flags & 2 != 0 {
            Some(r.byte()?)
        } else {
            None
        };
        let root = r.array()?;
        if r.pos != body.len() {
            return Err(CompactError::Malformed("trailing bytes"));
        }
        let [
            session,
            households,
            attendance,
            issued,
            returned,
            valid,
            invalid,
        ] = nums;
        Ok(Compact {
            is_final: flags & 1 != 0,
            fingerprint,
            station,
            session,
            households,
            attendance,
            issued,
            returned,
            valid,
            invalid,
            votes,
            disapprove,
            winner,
            root,
        })
    }
}

impl SignedCompact {
    /// The QR text: `KPR1` + base32(body ‖ signature).
    pub fn encode(&self) -> String {
        let mut bytes = self.compact.body();
        bytes.extend_from_slice(&self.signature);
        format!("{COMPACT_PREFIX}{}", BASE32_NOPAD.encode(&bytes))
    }

    /// Parses a QR text (does not check the signature: see [`SignedCompact::verify`]).
    pub fn decode(text: &str) -> Result<SignedCompact, CompactError> {
        let rest = text
            .trim()
            .strip_prefix(COMPACT_PREFIX)
            .ok_or(CompactError::Prefix)?;
        let bytes = BASE32_NOPAD
            .decode(rest.as_bytes())
            .map_err(|_| CompactError::Base32)?;
        if bytes.len() < 64 {
            return Err(CompactError::Malformed("too short"));
        }
        let (body, sig) = bytes.split_at(bytes.len() - 64);
        let mut signature = [0u8; 64];
        signature.copy_from_slice(sig);
        Ok(SignedCompact {
            compact: Compact::parse_body(body)?,
            signature,
        })
    }

    /// True when the signature is the station's and the station id matches its key.
    pub fn verify(&self, key: &PublicKey) -> bool {
        self.compact.station == key.station_id_bytes()
            && key.verify(&self.compact.message(), &self.signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn arb_compact() -> impl Strategy<Value = Compact> {
        (
            any::<bool>(),
            any::<[u8; 8]>(),
            any::<[u8; 8]>(),
            proptest::array::uniform7(any::<u32>()),
            proptest::collection::vec(any::<u32>(), 0..11),
            any::<u32>(),
            proptest::option::of(0u8..10),
            any::<[u8; 8]>(),
        )
            .prop_map(
                |(is_final, fingerprint, station, n, votes, disapprove, winner, root)| Compact {
                    is_final,
                    fingerprint,
                    station,
                    session: n[0],
                    households: n[1],
                    attendance: n[2],
                    issued: n[3],
                    returned: n[4],
                    valid: n[5],
                    invalid: n[6],
                    votes,
                    disapprove,
                    winner,
                    root,
                },
            )
    }

    proptest! {
        #[test]
        fn round_trip(c in arb_compact(), seed in any::<[u8; 32]>()) {
            let key = StationKey::from_seed(seed);
            let mut c = c;
            c.station = key.public().station_id_bytes();
            let signed = c.sign(&key);
            let text = signed.encode();
            prop_assert!(text.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit()));
            let back = SignedCompact::decode(&text).unwrap();
            prop_assert_eq!(&back, &signed);
            prop_assert!(back.verify(&key.public()));
        }

        #[test]
        fn any_changed_byte_fails(c in arb_compact(), seed in any::<[u8; 32]>(), at in any::<prop::sample::Index>(), flip in 1u8..=255) {
            let key = StationKey::from_seed(seed);
            let mut c = c;
            c.station = key.public().station_id_bytes();
            let signed = c.sign(&key);
            let mut bytes = signed.compact.body();
            bytes.extend_from_slice(&signed.signature);
            let i = at.index(bytes.len());
            bytes[i] ^= flip;
            let text = format!("{COMPACT_PREFIX}{}", BASE32_NOPAD.encode(&bytes));
            if let Ok(back) = SignedCompact::decode(&text) {
                prop_assert!(!back.verify(&key.public()));
            }
        }

        #[test]
        fn garbage_never_panics(text in "KPR1[A-Z2-7]{0,200}") {
            let _ = SignedCompact::decode(&text);
        }
    }

    #[test]
    fn another_key_fails_and_prefix_is_checked() {
        let key = StationKey::from_seed([7; 32]);
        let other = StationKey::from_seed([8; 32]);
        let c = Compact {
            is_final: true,
            fingerprint: [1; 8],
            station: key.public().station_id_bytes(),
            session: 1,
            households: 412,
            attendance: 300,
            issued: 300,
            returned: 298,
            valid: 290,
            invalid: 8,
            votes: vec![200, 90],
            disapprove: 0,
            winner: Some(0),
            root: [9; 8],
        };
        let s = c.sign(&key);
        assert!(s.verify(&key.public()));
        assert!(!s.verify(&other.public()));
        assert_eq!(SignedCompact::decode("XYZ"), Err(CompactError::Prefix));
        assert!(s.encode().len() < 260, "{}", s.encode().len());
    }
}
