//! `sealbook serve` and the TOTP key file: made on the first start, readable by
//! its user only, read again on the next; and a key file that does not open the
//! stored TOTP secrets (lost and made anew, or the wrong one) stops the server
//! at start instead of locking every member with two-step login out.

use std::process::Child;
use std::time::{Duration, Instant};

use sealbook_server::Storage;
use sealbook_server::auth::totp_seal::TotpKey;
use sealbook_server::ids::{BusinessId, StaffId};
use sealbook_server::storage::{NewStaff, Role};

mod common;
use common::{free_port, restaurant_config, start_server, wait_until_listening};

/// Waits (at most 30 s) for a server that should refuse to start.
fn exit_of(mut server: Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = server.try_wait().expect("wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = server.kill();
            panic!("the server kept running");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn stop(mut server: Child) {
    server.kill().expect("stop");
    server.wait().expect("reaped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_makes_the_key_file_and_refuses_one_that_does_not_open_the_secrets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let config = dir.path().join("sealbook.toml");
    std::fs::write(&config, restaurant_config(port, "sqlite://sealbook.db", 8)).expect("config");
    let log = dir.path().join("server.log");
    let key_file = dir.path().join("totp.key");

    stop({
        let server = start_server(&config, &log);
        wait_until_listening(port).await;
        server
    });
    let key = TotpKey::load(&key_file)
        .expect("readable")
        .expect("made on the first start");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key_file)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "readable by its user only");
    }

    // A member turns two-step login on (sealed under that key, as the API does).
    let database = format!("sqlite://{}", dir.path().join("sealbook.db").display());
    let storage = Storage::open(&database).await.expect("storage");
    let member = StaffId::new("member");
    storage
        .create_staff(
            &NewStaff {
                id: member.clone(),
                business: BusinessId::new("bistro"),
                email: "member@bistro.example".to_owned(),
                role: Role::Staff,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".to_owned(),
                created_at: 1_795_000_000,
            },
            &[],
        )
        .await
        .expect("member");
    let sealed = key.seal(&member, &[5; 20]).expect("sealed");
    storage
        .set_totp_pending(&member, &sealed)
        .await
        .expect("pending");
    assert!(storage.enable_totp(&member, &sealed, 1).await.expect("on"));
    storage.close().await;

    // The same key file: the server starts.
    stop({
        let server = start_server(&config, &log);
        wait_until_listening(port).await;
        server
    });

    // The key file lost: a new one would open nothing, so the server refuses.
    std::fs::remove_file(&key_file).expect("lost");
    let status = exit_of(start_server(&config, &log));
    assert!(!status.success(), "{status}");
    let said = std::fs::read_to_string(&log).expect("log");
    assert!(
        said.contains("does not open the TOTP secrets in the database"),
        "{said}"
    );
}
