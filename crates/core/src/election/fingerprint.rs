//! The election fingerprint: a hash of everything printed on the ballot.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::definition::{Election, Mode};

/// SHA-256 of the canonical content that ballots depend on.
///
/// Covered: format version, title, office, unit, commune, district, province,
/// term, the candidates in order (id and NFC name), marking and paper; in
/// household mode also the mode and the collection deadline, which that ballot
/// prints, and from the first re-election on the round (printed as "Bầu lại
/// lần N") — added keys, so first-round meeting ballots keep the fingerprint
/// they had. Not covered: date, households, venue, counting body, honorifics
/// and settings, which do not change what is printed and may be corrected
/// after printing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

/// Version of the canonical form; bump when the covered content changes.
const CANONICAL_VERSION: u32 = 1;

impl Fingerprint {
    /// Fingerprint of an election.
    pub fn of(election: &Election) -> Self {
        let info = &election.election;
        let mut canonical = serde_json::json!({
            "v": CANONICAL_VERSION,
            "title": info.title,
            "office": info.office,
            "unit": info.unit,
            "commune": info.commune,
            "district": info.district,
            "province": info.province,
            "term": info.term,
            "candidates": election
                .candidates
                .iter()
                .map(|c| [c.id.as_str(), c.name.as_str()])
                .collect::<Vec<_>>(),
            "marking": info.marking,
            "paper": info.paper.as_str(),
        });
        // Round 1 prints nothing of its round: first counts keep their fingerprint.
        if info.round > 1 {
            canonical["round"] = serde_json::json!(info.round);
        }
        if info.mode == Mode::Household {
            canonical["mode"] = serde_json::json!("household");
            canonical["collection_deadline"] =
                serde_json::json!(info.collection_deadline.map(|d| d.canonical()));
        }
        // serde_json writes object keys sorted (no preserve_order feature), so this is canonical.
        let bytes = canonical.to_string();
        Fingerprint(Sha256::digest(bytes.as_bytes()).into())
    }

    /// Lowercase hex of the whole hash.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The first 8 bytes, as carried in each ballot's QR code.
    pub fn short(&self) -> [u8; 8] {
        let mut out = [0u8; 8];
        out.copy_from_slice(&self.0[..8]);
        out
    }

    /// Parses 64 hex digits.
    pub fn from_hex(text: &str) -> Option<Self> {
        let bytes = hex::decode(text).ok()?;
        Some(Fingerprint(bytes.try_into().ok()?))
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Fingerprint::from_hex(&text)
            .ok_or_else(|| serde::de::Error::custom("fingerprint must be 64 hex digits"))
    }
}
