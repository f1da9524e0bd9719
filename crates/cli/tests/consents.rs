//! `sealbook consents list`: every record, as CSV or JSON, without a key.

use std::process::Command;

use sealbook_server::Storage;
use sealbook_server::ids::BusinessId;
use sealbook_server::storage::ConsentRecord;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_records_list_as_csv_and_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("sqlite://{}", dir.path().join("sealbook.db").display());
    let storage = Storage::open(&database).await.expect("storage");
    for (business, action, granted, refused) in [
        (
            "bistro",
            "reject_all",
            vec![],
            vec!["analytics", "marketing"],
        ),
        ("bistro", "custom", vec!["analytics"], vec!["marketing"]),
        ("praxis", "gpc", vec![], vec!["marketing"]),
    ] {
        storage
            .record_consent(&ConsentRecord {
                business: BusinessId::new(business),
                consent_id: "AAAAAAAAAAAAAAAAAAAAAA".to_owned(),
                recorded_at: 1_795_000_000,
                notice_version: "2026-11".to_owned(),
                language: "fr".to_owned(),
                granted: granted.into_iter().map(str::to_owned).collect(),
                refused: refused.into_iter().map(str::to_owned).collect(),
                // A service name of the business's own words, comma included.
                services: if action == "custom" {
                    vec!["Vidéo, Inc.".to_owned()]
                } else {
                    vec![]
                },
                action: action.to_owned(),
                notice_hash: [1; 32],
            })
            .await
            .expect("recorded");
    }
    storage.close().await;

    let list = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_sealbook"))
            .args(["consents", "list", "--db", &database])
            .args(args)
            .output()
            .expect("runs");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).expect("UTF-8")
    };
    let csv = list(&["--business", "bistro"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert_eq!(
        lines[1],
        "bistro,AAAAAAAAAAAAAAAAAAAAAA,2026-11-18T11:06:40Z,2026-11,fr,,analytics marketing,[],reject_all,AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE"
    );
    let json: serde_json::Value = serde_json::from_str(&list(&["--format", "json"])).expect("JSON");
    assert_eq!(json.as_array().map(Vec::len), Some(3));
    assert_eq!(json[2]["action"], "gpc");
    assert_eq!(json[1]["granted"][0], "analytics");
    assert_eq!(json[1]["services"][0], "Vidéo, Inc.");
    assert!(
        lines[2].contains(r#",analytics,marketing,"[""Vidéo, Inc.""]",custom,"#),
        "{csv}"
    );
}
