//! The databases the storage tests run against: a fresh SQLite file always, and a
//! fresh database on the PostgreSQL server named by `SEALBOOK_TEST_POSTGRES`
//! (`cargo xtask test` starts one and sets it, with `SEALBOOK_REQUIRE_POSTGRES=1`
//! so that a missing server fails instead of skipping).

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

use sqlx::Connection as _;

/// One empty database for one test.
#[derive(Debug)]
pub struct TestDatabase {
    pub url: String,
    /// The file, for tests that scan the bytes SQLite leaves on disk.
    pub sqlite_path: Option<PathBuf>,
    _dir: tempfile::TempDir,
}

impl TestDatabase {
    /// A folder for other files of the test (keys, configuration).
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// A connection of the test's own, beside whatever the server holds.
    pub async fn connect(&self) -> sqlx::AnyConnection {
        sqlx::any::install_default_drivers();
        let url = if self.sqlite_path.is_some() {
            format!("{}?mode=rw", self.url)
        } else {
            self.url.clone()
        };
        let mut connection = sqlx::AnyConnection::connect(&url).await.expect("connect");
        if self.sqlite_path.is_some() {
            // The server's own connections write too (notices, the sweeper,
            // schedule seeds): wait for their lock as they wait for each other's.
            sqlx::query("PRAGMA busy_timeout = 5000")
                .execute(&mut connection)
                .await
                .expect("busy timeout");
        }
        connection
    }

    /// Counts the rows of `table` through a connection of its own.
    pub async fn count(&self, table: &str) -> i64 {
        let mut connection = self.connect().await;
        let (rows,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut connection)
            .await
            .expect("count");
        rows
    }
}

/// A pool on `database` with the schema as it was before migration `version`
/// (every earlier migration run), to store rows the way older releases did.
/// [`sealbook_server::Storage::open`] then runs the rest.
pub async fn migrated_before(database: &TestDatabase, version: i64) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    let backend = sealbook_server::storage::Backend::of(&database.url).expect("a known backend");
    let mut before = backend.migrator();
    let url = match &database.sqlite_path {
        Some(_) => format!("{}?mode=rwc", database.url),
        None => database.url.clone(),
    };
    before.migrations = before
        .migrations
        .iter()
        .filter(|migration| migration.version < version)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    let pool = sqlx::AnyPool::connect(&url).await.expect("connect");
    before
        .run(&pool)
        .await
        .unwrap_or_else(|error| panic!("migrations before {version}: {error}"));
    pool
}

pub async fn sqlite() -> TestDatabase {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("test.db");
    TestDatabase {
        url: format!("sqlite://{}", path.display()),
        sqlite_path: Some(path),
        _dir: dir,
    }
}

/// A fresh database on the test PostgreSQL server, or `None` when there is none
/// and none is required.
pub async fn postgres() -> Option<TestDatabase> {
    let Some(server) = std::env::var("SEALBOOK_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty())
    else {
        assert!(
            std::env::var_os("SEALBOOK_REQUIRE_POSTGRES").is_none(),
            "SEALBOOK_TEST_POSTGRES is not set but PostgreSQL tests are required"
        );
        eprintln!("skipped: no PostgreSQL server (run `cargo xtask test`)");
        return None;
    };
    let mut name_bytes = [0u8; 8];
    getrandom::fill(&mut name_bytes).expect("randomness");
    let name = format!(
        "sealbook_test_{}",
        name_bytes
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create database");
    Some(TestDatabase {
        url: format!("{server}/{name}"),
        sqlite_path: None,
        _dir: tempfile::tempdir().expect("temp dir"),
    })
}

/// Runs each listed `async fn(TestDatabase)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name(super::support::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                if let Some(database) = super::support::postgres().await {
                    super::$name(database).await;
                }
            }
        }
    )*};
}
