//! Open data: the export of a process (files, manifest, totals equal to
//! the database's, nothing personal), `verify` catching tampering, and the
//! `export open-data` and `verify-export` commands of the binary.

use shared::testing::open_data::tamper_with_a_support_count;

const MILANO: &str = "piano-strategico-metropolitano-milano";

#[tokio::test]
async fn the_binary_exports_and_verifies() {
    let temp = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        temp.path().join("piazza.db").display()
    );
    let server = env!("CARGO_BIN_EXE_server");
    let run = |args: &[&str]| {
        std::process::Command::new(server)
            .args(args)
            .env_clear()
            .env("DATABASE_URL", &url)
            .env("PIAZZA_UPLOAD_DIR", temp.path().join("immagini"))
            .output()
            .expect("the binary runs")
    };
    let seeded = run(&["seed-demo"]);
    assert!(seeded.status.success(), "{seeded:?}");
    let out = temp.path().join("dati");
    let out_arg = out.to_string_lossy().into_owned();
    let exported = run(&[
        "export",
        "open-data",
        "--process",
        MILANO,
        "--out",
        &out_arg,
    ]);
    assert!(exported.status.success(), "{exported:?}");
    let said = String::from_utf8_lossy(&exported.stdout);
    assert!(said.contains("proposte:"), "{said}");

    let verified = run(&["verify-export", &out_arg]);
    assert_eq!(verified.status.code(), Some(0), "{verified:?}");
    assert!(String::from_utf8_lossy(&verified.stdout).starts_with("OK"));

    tamper_with_a_support_count(&out);
    let verified = run(&["verify-export", &out_arg]);
    assert_eq!(verified.status.code(), Some(1), "{verified:?}");
    assert!(
        String::from_utf8_lossy(&verified.stdout).contains("hash diverso dal manifesto"),
        "{verified:?}"
    );

    let refused = run(&[
        "export",
        "open-data",
        "--process",
        MILANO,
        "--out",
        &out_arg,
    ]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
}
