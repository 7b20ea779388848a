use super::*;

pub(crate) fn sample() -> ResultDoc {
    let key = StationKey::from_seed([3; 32]);
    ResultDoc {
        format: RESULT_FORMAT.into(),
        station: key.public().station_id(),
        session: 1,
        previous_session: None,
        state: "closed".into(),
        demo: false,
        round: 1,
        previous_count: None,
        earlier_rounds: Vec::new(),
        is_final: true,
        election: ElectionSummary {
            fingerprint: "ab".repeat(32),
            office: "Trưởng khu phố".into(),
            unit: "Khu phố Đông Sơn".into(),
            commune: "Phường Đồng Kỵ".into(),
            term: "2024-2027".into(),
            date: "2024-10-13".into(),
            mode: "meeting".into(),
            marking: "strike".into(),
        },
        households: 412,
        attendance: 300,
        issued: Some(300),
        returned: Some(298),
        spoiled: Some(0),
        note: None,
        complaints: Vec::new(),
        counted: 298,
        valid: 290,
        invalid: 8,
        invalid_by_reason: [("all_struck".to_string(), 5), ("no_stamp".to_string(), 3)]
            .into_iter()
            .collect(),
        sheets: 301,
        sources: [("device".to_string(), 301)].into_iter().collect(),
        set_aside: [("blank".to_string(), 1), ("second_scan".to_string(), 1)]
            .into_iter()
            .collect(),
        not_issued: BTreeMap::new(),
        printed: 300,
        awaiting_review: 0,
        decided_by_officials: 4,
        candidates: vec![
            CandidateResult {
                id: "c1".into(),
                name: "Nguyễn Văn An".into(),
                votes: 210,
            },
            CandidateResult {
                id: "c2".into(),
                name: "Trần Thị Bình".into(),
                votes: 80,
            },
        ],
        disapprove: 0,
        outcome: OutcomeSummary {
            winner: Some("c1".into()),
            reason: None,
        },
        batches: BTreeMap::new(),
        board: Board {
            leader: "Nguyễn Thị Hoa".into(),
            members: vec!["Lê Văn Ba".into()],
            witnesses: vec!["Trần Văn Hùng".into(), "Đỗ Thị Mai".into()],
            body: None,
            chair: None,
            front_head: None,
            representatives: Vec::new(),
        },
        count_date: None,
        confirmations: vec!["Nguyễn Thị Hoa".into(), "Lê Văn Ba".into()],
        opened_at: "2024-10-13T01:00:00.000Z".into(),
        closed_at: Some("2024-10-13T03:00:00.000Z".into()),
        images_root: "cd".repeat(32),
        records: 700,
        records_head: "ef".repeat(32),
        hand_check: None,
        root: root_hash(&"cd".repeat(32), &"ef".repeat(32)),
    }
}

/// Every leaf of a JSON value, as a path of keys/indices.
fn leaves(v: &serde_json::Value, path: Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let mut p = path.clone();
                p.push(k.clone());
                leaves(x, p, out);
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let mut p = path.clone();
                p.push(i.to_string());
                leaves(x, p, out);
            }
        }
        _ => out.push(path),
    }
}

fn at<'a>(v: &'a mut serde_json::Value, path: &[String]) -> &'a mut serde_json::Value {
    path.iter().fold(v, |v, k| match v {
        serde_json::Value::Array(a) => &mut a[k.parse::<usize>().unwrap()],
        other => &mut other[k.as_str()],
    })
}

#[test]
fn signed_result_verifies_and_any_changed_field_fails() {
    let key = StationKey::from_seed([3; 32]);
    let mut doc = sample();
    doc.complaints.push(Complaint {
        lodged_by: "Ông Phạm Văn Tư".into(),
        content: "Đề nghị kiểm lại phiếu số 12".into(),
        handling: "Đã kiểm lại, giữ nguyên kết quả".into(),
        recorded_by: "Nguyễn Thị Hoa".into(),
        at: "2024-10-13T02:00:00.000Z".into(),
    });
    let signed = doc.sign(&key);
    assert_eq!(
        verify_result(&signed.canonical, &signed.signature, &signed.public_key).unwrap(),
        doc
    );
    assert!(signed.canonical.starts_with("{\"attendance\":300,"));
    let value = serde_json::to_value(&doc).unwrap();
    let mut paths = Vec::new();
    leaves(&value, Vec::new(), &mut paths);
    assert!(paths.len() > 40, "{}", paths.len());
    for path in paths {
        let mut v = value.clone();
        let leaf = at(&mut v, &path);
        *leaf = match leaf.clone() {
            serde_json::Value::Number(n) => serde_json::json!(n.as_u64().unwrap_or(0) + 1),
            serde_json::Value::String(s) => serde_json::json!(format!("{s}x")),
            serde_json::Value::Bool(b) => serde_json::json!(!b),
            serde_json::Value::Null => serde_json::json!(1),
            other => other,
        };
        let tampered = canonical_json(&v);
        assert_eq!(
            verify_result(&tampered, &signed.signature, &signed.public_key),
            Err(VerifyError::Mismatch),
            "{path:?}"
        );
    }
    // The signature of another station, or a changed signature, fails too.
    let other = StationKey::from_seed([4; 32]);
    assert_eq!(
        verify_result(
            &signed.canonical,
            &signed.signature,
            &other.public().to_hex()
        ),
        Err(VerifyError::Mismatch)
    );
    let mut sig = hex::decode(&signed.signature).unwrap();
    sig[10] ^= 1;
    assert_eq!(
        verify_result(&signed.canonical, &hex::encode(sig), &signed.public_key),
        Err(VerifyError::Mismatch)
    );
    // Signed by another key but naming this station: refused.
    let forged = doc.sign(&other);
    assert!(matches!(
        verify_result(&forged.canonical, &forged.signature, &forged.public_key),
        Err(VerifyError::Station { .. })
    ));
}

#[test]
fn compact_form_carries_the_counts() {
    let key = StationKey::from_seed([3; 32]);
    let doc = sample();
    let c = doc.compact();
    assert_eq!(c.votes, vec![210, 80]);
    assert_eq!(c.winner, Some(0));
    assert_eq!(c.station, key.public().station_id_bytes());
    let text = c.clone().sign(&key).encode();
    let back = SignedCompact::decode(&text).unwrap();
    assert!(back.verify(&key.public()));
    assert_eq!(back.compact, c);
}

#[test]
fn a_result_without_complaints_keeps_its_earlier_canonical_form() {
    // Results signed before complaints were recorded have no such key; they still verify.
    let key = StationKey::from_seed([3; 32]);
    let doc = sample();
    let signed = doc.sign(&key);
    assert!(!signed.canonical.contains("complaints"));
    assert_eq!(
        verify_result(&signed.canonical, &signed.signature, &signed.public_key).unwrap(),
        doc
    );
}
