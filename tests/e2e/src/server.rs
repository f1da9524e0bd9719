//! The real `sealbook` binary: keys made with `sealbook keygen`, the server run
//! with `sealbook serve`, bookings read back with `sealbook bookings open`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::process::{Child, Command};

use crate::{RecordingProxy, WAIT, free_port, wait_for_port};

pub const PASSPHRASE: &str = "correct horse battery staple";

/// The test businesses are open every day, so something is always bookable soon.
const HOURS: &str = "11:00-23:00";

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

/// A courier key pair as `sealbook keygen --role courier` wrote it.
#[derive(Debug)]
pub struct CourierKey {
    pub public: PathBuf,
    pub private: PathBuf,
    pub kid: String,
    /// The file holding [`PASSPHRASE`], for `passphrase_file`.
    pub passphrase_file: PathBuf,
}

/// `sealbook keygen --role courier` for `business` into `dir`: made before the
/// server starts, so that its configuration can name the public key.
pub async fn courier_keygen(dir: &Path, business: &str) -> anyhow::Result<CourierKey> {
    let passphrase_file = dir.join("courier-passphrase");
    std::fs::write(&passphrase_file, PASSPHRASE)?;
    let keygen = Command::new(binary()?)
        .args([
            "keygen",
            "--role",
            "courier",
            "--business",
            business,
            "--out",
        ])
        .arg(dir)
        .arg("--passphrase-file")
        .arg(&passphrase_file)
        .output()
        .await?;
    if !keygen.status.success() {
        bail!(
            "keygen --role courier failed: {}",
            String::from_utf8_lossy(&keygen.stderr)
        );
    }
    let printed = String::from_utf8(keygen.stdout)?;
    Ok(CourierKey {
        public: dir.join(format!("{business}.courier.pub.pem")),
        private: dir.join(format!("{business}.courier.key.pem")),
        kid: printed
            .lines()
            .find_map(|line| line.strip_prefix("kid: "))
            .context("keygen prints the kid")?
            .to_owned(),
        passphrase_file,
    })
}

/// `sealbook courier --config config`, logging into `log`; killed when dropped.
pub fn spawn_courier(config: &Path, log: &Path) -> anyhow::Result<Child> {
    let log = std::fs::File::create(log)?;
    Ok(Command::new(binary()?)
        .args(["courier", "--config"])
        .arg(config)
        .stdout(Stdio::from(log.try_clone()?))
        .stderr(Stdio::from(log))
        .kill_on_drop(true)
        .spawn()?)
}

/// The `sealbook` binary: `SEALBOOK_BIN` (set by `cargo xtask test`) or the debug build.
pub fn binary() -> anyhow::Result<PathBuf> {
    let path = std::env::var_os("SEALBOOK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/sealbook"));
    if !path.exists() {
        bail!(
            "{} does not exist: run the tests with `cargo xtask test`",
            path.display()
        );
    }
    Ok(path)
}

/// The widget `cargo xtask test` built.
pub fn built_widget() -> anyhow::Result<PathBuf> {
    let dist = workspace_root().join("dist");
    if crate::hashed_file(&dist, "sealbook-widget", "wasm").is_err() {
        bail!("dist/ has no built widget: run the tests with `cargo xtask test`");
    }
    Ok(dist)
}

/// A running Sealbook server with one business, reached through a recording proxy.
#[derive(Debug)]
pub struct Sealbook {
    pub dir: tempfile::TempDir,
    pub business: String,
    pub kid: String,
    pub proxy: RecordingProxy,
    /// The server's own port (the proxy's is in the URLs).
    port: u16,
    child: Option<Child>,
    /// `/metrics` as the server rendered it just before it stopped.
    final_metrics: String,
    database: Database,
}

/// Where the server keeps its bookings: a SQLite file in the test's folder, or,
/// when `SEALBOOK_E2E_POSTGRES` names a server (`cargo xtask test` runs the
/// suite a second time so), a fresh database on it.
#[derive(Debug)]
enum Database {
    Sqlite,
    Postgres {
        url: String,
        /// The cluster's data folder (`SEALBOOK_E2E_POSTGRES_DATA`), scanned raw.
        data_dir: Option<PathBuf>,
        /// Shortly before the database was created: a WAL segment last
        /// written before then holds nothing of this test.
        created: std::time::SystemTime,
    },
}

impl Database {
    async fn create() -> anyhow::Result<Self> {
        let Some(server) = std::env::var("SEALBOOK_E2E_POSTGRES")
            .ok()
            .filter(|url| !url.is_empty())
        else {
            return Ok(Self::Sqlite);
        };
        let name = format!(
            "sealbook_e2e_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_nanos()
        );
        // File times are the kernel's coarse clock: a second's margin.
        let created = std::time::SystemTime::now() - Duration::from_secs(1);
        psql(
            &format!("{server}/postgres"),
            &format!("CREATE DATABASE {name}"),
        )
        .await?;
        Ok(Self::Postgres {
            url: format!("{server}/{name}"),
            data_dir: std::env::var_os("SEALBOOK_E2E_POSTGRES_DATA").map(PathBuf::from),
            created,
        })
    }

    /// The `database` setting (relative to the test's folder for SQLite).
    fn url(&self, dir: &Path) -> String {
        match self {
            Self::Sqlite => format!("sqlite://{}", dir.join("sealbook.db").display()),
            Self::Postgres { url, .. } => url.clone(),
        }
    }
}

/// Runs `sql` with `psql` on `url`; what it printed, unaligned, without headers.
async fn psql(url: &str, sql: &str) -> anyhow::Result<String> {
    let output = Command::new("psql")
        .arg(url)
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-A", "-t", "-c", sql])
        .output()
        .await
        .context("cannot run psql (apt-get install postgresql-client)")?;
    if !output.status.success() {
        bail!("psql failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(String::from_utf8(output.stdout)?.trim().to_owned())
}

/// The token the test servers want for `/metrics`.
const METRICS_TOKEN: &str = "e2e-metrics-token";

impl Sealbook {
    /// Makes a key, writes a configuration allowing `origins`, starts the server.
    pub async fn start(business: &str, origins: &[String]) -> anyhow::Result<Self> {
        Self::start_serving(business, origins, &built_widget()?).await
    }

    /// Like [`Sealbook::start`], serving the widget files in `dist` instead of
    /// the build's.
    pub async fn start_serving(
        business: &str,
        origins: &[String],
        dist: &Path,
    ) -> anyhow::Result<Self> {
        Self::start_configured(business, origins, dist, &profile(business)).await
    }

    /// Like [`Sealbook::start`], with `business_config` (TOML) added to the
    /// business's section, e.g. a `[business.consent]` notice.
    pub async fn start_with(
        business: &str,
        origins: &[String],
        business_config: &str,
    ) -> anyhow::Result<Self> {
        Self::start_configured(
            business,
            origins,
            &built_widget()?,
            &format!("{}{business_config}", profile(business)),
        )
        .await
    }

    /// Like [`Sealbook::start`], with `business_config` (TOML) as the whole
    /// business section after its keys: profile, and any tables that follow.
    pub async fn start_with_profile(
        business: &str,
        origins: &[String],
        business_config: &str,
    ) -> anyhow::Result<Self> {
        Self::start_configured(business, origins, &built_widget()?, business_config).await
    }

    async fn start_configured(
        business: &str,
        origins: &[String],
        dist: &Path,
        business_config: &str,
    ) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let database = Database::create().await?;
        std::fs::write(dir.path().join("passphrase"), PASSPHRASE)?;
        let keygen = Command::new(binary()?)
            .args(["keygen", "--business", business, "--out"])
            .arg(dir.path().join("keys"))
            .arg("--passphrase-file")
            .arg(dir.path().join("passphrase"))
            .output()
            .await?;
        if !keygen.status.success() {
            bail!("keygen failed: {}", String::from_utf8_lossy(&keygen.stderr));
        }
        let printed = String::from_utf8(keygen.stdout)?;
        let kid = printed
            .lines()
            .find_map(|line| line.strip_prefix("kid: "))
            .context("keygen prints the kid")?
            .to_owned();

        let port = free_port();
        let origins: Vec<String> = origins
            .iter()
            .map(|origin| format!("\"{origin}\""))
            .collect();
        let config = format!(
            "listen = \"127.0.0.1:{port}\"\nlog_format = \"json\"\nmetrics_token = \"{METRICS_TOKEN}\"\ndatabase = \"{database}\"\nwidget_dir = \"{dist}\"\nwww_dir = \"{www}\"\n\n\
             [[business]]\nid = \"{business}\"\nname = \"Test business\"\nallowed_origins = [{origins}]\nkeys = [{{ file = \"keys/{business}.pub.pem\" }}]\n{business_config}",
            dist = dist.display(),
            www = workspace_root().join("www").display(),
            origins = origins.join(", "),
            database = database.url(dir.path()),
        );
        std::fs::write(dir.path().join("sealbook.toml"), config)?;
        let child = spawn_server(dir.path(), port).await?;
        let proxy = RecordingProxy::start(port).await?;
        Ok(Self {
            dir,
            business: business.to_owned(),
            kid,
            proxy,
            port,
            child: Some(child),
            final_metrics: String::new(),
            database,
        })
    }

    /// Generates the business's next key pair into `keys-next/` (a rotation);
    /// returns its kid.
    pub async fn generate_next_key(&self) -> anyhow::Result<String> {
        let printed = self
            .cli(
                "keygen",
                Command::new(binary()?)
                    .args(["keygen", "--business", &self.business, "--out"])
                    .arg(self.dir.path().join("keys-next"))
                    .arg("--passphrase-file")
                    .arg(self.dir.path().join("passphrase")),
            )
            .await?;
        String::from_utf8(printed)?
            .lines()
            .find_map(|line| line.strip_prefix("kid: "))
            .map(str::to_owned)
            .context("keygen prints the kid")
    }

    /// Rewrites the business's keys — `(folder, status)`, `keys` for the first
    /// key, `keys-next` for the next — and restarts the server on the same port
    /// and database, as an operator does after editing the configuration.
    pub async fn reconfigure_keys(&mut self, keys: &[(&str, &str)]) -> anyhow::Result<()> {
        let listed: Vec<String> = keys
            .iter()
            .map(|(folder, status)| {
                format!(
                    "{{ file = \"{folder}/{}.pub.pem\", status = \"{status}\" }}",
                    self.business
                )
            })
            .collect();
        self.reconfigure(|config| {
            config
                .lines()
                .map(|line| {
                    if line.starts_with("keys = [") {
                        format!("keys = [{}]", listed.join(", "))
                    } else {
                        line.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .await
    }

    /// Rewrites the server's configuration with `edit` and restarts the server on
    /// the same port and database.
    pub async fn reconfigure(&mut self, edit: impl FnOnce(&str) -> String) -> anyhow::Result<()> {
        let path = self.dir.path().join("sealbook.toml");
        let config = std::fs::read_to_string(&path)?;
        let rewritten = edit(&config);
        anyhow::ensure!(rewritten != config, "the edit changed nothing");
        std::fs::write(&path, rewritten)?;
        self.stop().await?;
        self.child = Some(spawn_server(self.dir.path(), self.port).await?);
        Ok(())
    }

    /// The encrypted private key file in `folder` (`keys` or `keys-next`).
    pub fn key_file(&self, folder: &str) -> PathBuf {
        self.dir
            .path()
            .join(format!("{folder}/{}.key.pem", self.business))
    }

    /// A URL on the server, through the recording proxy.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.proxy.port)
    }

    /// Stops the server with SIGTERM (graceful) and waits for it, bounded.
    pub async fn stop(&mut self) -> anyhow::Result<()> {
        if self.child.is_some() {
            self.final_metrics = self.metrics().await?;
        }
        if let Some(mut child) = self.child.take() {
            if let Some(pid) = child.id() {
                let _ = Command::new("kill")
                    .args(["-TERM", &pid.to_string()])
                    .status()
                    .await;
            }
            if tokio::time::timeout(WAIT, child.wait()).await.is_err() {
                child.kill().await?;
                bail!("the server did not stop within {WAIT:?} of SIGTERM");
            }
        }
        Ok(())
    }

    /// `GET /metrics` with the token, over a plain connection (not through the proxy).
    pub async fn metrics(&self) -> anyhow::Result<String> {
        let authorization = format!("Bearer {METRICS_TOKEN}");
        let (status, body) = self
            .request(
                "GET",
                "/metrics",
                &[("Authorization", &authorization)],
                None,
            )
            .await?;
        if status != 200 {
            bail!("GET /metrics: {status}");
        }
        Ok(body)
    }

    /// One HTTP/1.1 request over a plain connection to the server (not through
    /// the proxy, so it is not part of the recorded traffic): status and body.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> anyhow::Result<(u16, String)> {
        request_on(self.port, method, path, headers, body).await
    }

    /// Starts another `sealbook serve` on the same configuration and database,
    /// on its own port behind its own recording proxy, as a second machine
    /// behind a load balancer would run it. It logs into the same file, so
    /// [`Sealbook::log`] holds both processes' output.
    pub async fn second_process(&self) -> anyhow::Result<SecondProcess> {
        let config = std::fs::read_to_string(self.dir.path().join("sealbook.toml"))?;
        let port = free_port();
        let first = format!("listen = \"127.0.0.1:{}\"", self.port);
        anyhow::ensure!(config.contains(&first), "the configuration's listen line");
        let config = config.replacen(&first, &format!("listen = \"127.0.0.1:{port}\""), 1);
        let file = self.dir.path().join("sealbook-second.toml");
        std::fs::write(&file, config)?;
        let child = spawn_server_with(self.dir.path(), &file, port).await?;
        let proxy = RecordingProxy::start(port).await?;
        Ok(SecondProcess {
            proxy,
            port,
            _child: child,
        })
    }

    /// `/metrics` as the server rendered it just before [`Sealbook::stop`].
    pub fn final_metrics(&self) -> &str {
        &self.final_metrics
    }

    /// The server's log output so far.
    pub fn log(&self) -> Vec<u8> {
        std::fs::read(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// Every byte the database holds: for SQLite the file and its WAL and
    /// shared-memory files; for PostgreSQL a `pg_dump` of the database and, when
    /// known, the cluster's files as a thief of the disk reads them: every file
    /// but the other databases' folders and the WAL segments last written
    /// before this database was created. The suite's other databases would make
    /// that gigabytes to read and search in every test, and they cannot hold
    /// this test's data. WAL segments are told by their times, not their names:
    /// PostgreSQL renames a finished segment to a future name for reuse, and
    /// the renamed file keeps what it held until it is written again.
    pub async fn database_bytes(&self) -> anyhow::Result<Vec<u8>> {
        match &self.database {
            Database::Sqlite => Ok(["sealbook.db", "sealbook.db-wal", "sealbook.db-shm"]
                .iter()
                .filter_map(|name| std::fs::read(self.dir.path().join(name)).ok())
                .flatten()
                .collect()),
            Database::Postgres {
                url,
                data_dir,
                created,
            } => {
                let dump = Command::new("pg_dump")
                    .args(["--data-only", "--dbname", url])
                    .output()
                    .await
                    .context("cannot run pg_dump")?;
                if !dump.status.success() {
                    bail!("pg_dump failed: {}", String::from_utf8_lossy(&dump.stderr));
                }
                let mut bytes = dump.stdout;
                if let Some(data_dir) = data_dir {
                    let oid = psql(
                        url,
                        "SELECT oid FROM pg_database WHERE datname = current_database()",
                    )
                    .await?;
                    let others_data = |path: &Path| {
                        path.parent() == Some(&data_dir.join("base"))
                            && path.file_name().is_some_and(|name| {
                                let name = name.to_string_lossy();
                                name != oid && name.bytes().all(|b| b.is_ascii_digit())
                            })
                    };
                    let older_wal = |path: &Path| {
                        path.parent() == Some(&data_dir.join("pg_wal"))
                            && std::fs::metadata(path).is_ok_and(|file| {
                                file.is_file()
                                    && file.modified().is_ok_and(|written| written < *created)
                            })
                    };
                    read_tree(data_dir, &mut bytes, &|path| {
                        !others_data(path) && !older_wal(path)
                    })?;
                }
                Ok(bytes)
            }
        }
    }

    /// Runs the `sealbook` CLI with `args` (bounded by [`WAIT`]); its stdout, or
    /// an error with its stderr.
    async fn cli(&self, what: &str, args: &mut Command) -> anyhow::Result<Vec<u8>> {
        let output = tokio::time::timeout(WAIT, args.output()).await??;
        if !output.status.success() {
            bail!("{what} failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        Ok(output.stdout)
    }

    /// `sealbook snippet`: the script tag for this business, as its site would
    /// embed it, pinning the keys whose public key files the owner holds
    /// (`keys`, then `keys-next` once it exists).
    pub async fn snippet(&self) -> anyhow::Result<String> {
        self.snippet_at(&self.url("")).await
    }

    /// [`Self::snippet`] for a page that reaches the server itself, as a
    /// visitor's browser does, rather than through the recording proxy, which
    /// adds its own time to every answer: what a benchmark wants.
    pub async fn direct_snippet(&self) -> anyhow::Result<String> {
        self.snippet_at(&format!("http://127.0.0.1:{}", self.port))
            .await
    }

    async fn snippet_at(&self, server_url: &str) -> anyhow::Result<String> {
        let mut command = Command::new(binary()?);
        command
            .arg("snippet")
            .arg("--config")
            .arg(self.dir.path().join("sealbook.toml"))
            .args(["--business", &self.business, "--server-url", server_url]);
        for folder in ["keys", "keys-next"] {
            let public = self
                .dir
                .path()
                .join(format!("{folder}/{}.pub.pem", self.business));
            if public.exists() {
                command.arg("--public-key").arg(public);
            }
        }
        let stdout = self.cli("sealbook snippet", &mut command).await?;
        Ok(String::from_utf8(stdout)?.trim().to_owned())
    }

    /// `sealbook business init`: the owner's inbox login, holding this server's key.
    pub async fn init_owner(&self, email: &str, password: &str) -> anyhow::Result<()> {
        let password_file = self.dir.path().join("owner-password");
        std::fs::write(&password_file, password)?;
        self.cli(
            "business init",
            Command::new(binary()?)
                .args(["business", "init", "--config"])
                .arg(self.dir.path().join("sealbook.toml"))
                .args(["--business", &self.business, "--email", email])
                .arg("--password-file")
                .arg(&password_file)
                .arg("--key")
                .arg(self.private_key()),
        )
        .await
        .map(drop)
    }

    /// `sealbook consents list --format json`: the consent records stored so far.
    pub async fn consents(&self) -> anyhow::Result<Vec<serde_json::Value>> {
        let stdout = self
            .cli(
                "consents list",
                Command::new(binary()?)
                    .args(["consents", "list", "--format", "json", "--db"])
                    .arg(self.database.url(self.dir.path())),
            )
            .await?;
        Ok(serde_json::from_slice(&stdout)?)
    }

    /// `sealbook bookings open --format json` with this server's key and database.
    pub async fn open_bookings(&self) -> anyhow::Result<serde_json::Value> {
        self.open_bookings_with(&self.private_key()).await
    }

    /// `sealbook bookings open --format json` with the key file `key`.
    pub async fn open_bookings_with(&self, key: &Path) -> anyhow::Result<serde_json::Value> {
        let stdout = self
            .cli(
                "bookings open",
                Command::new(binary()?)
                    .args(["bookings", "open", "--format", "json", "--key"])
                    .arg(key)
                    .arg("--passphrase-file")
                    .arg(self.dir.path().join("passphrase"))
                    .arg("--db")
                    .arg(self.database.url(self.dir.path())),
            )
            .await?;
        Ok(serde_json::from_slice(&stdout)?)
    }

    /// The business's encrypted private key file, as `sealbook keygen` wrote it.
    fn private_key(&self) -> PathBuf {
        self.dir
            .path()
            .join(format!("keys/{}.key.pem", self.business))
    }
}

/// Starts `sealbook serve` with the configuration in `dir`, its log appended to
/// `dir/server.log`, and waits for its port.
async fn spawn_server(dir: &Path, port: u16) -> anyhow::Result<Child> {
    spawn_server_with(dir, &dir.join("sealbook.toml"), port).await
}

async fn spawn_server_with(dir: &Path, config: &Path, port: u16) -> anyhow::Result<Child> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("server.log"))?;
    let child = Command::new(binary()?)
        .arg("serve")
        .arg("--config")
        .arg(config)
        // The most verbose level: a leak at any level fails the canary scan.
        .env("RUST_LOG", "trace")
        .stdout(Stdio::from(log.try_clone()?))
        .stderr(Stdio::from(log))
        .kill_on_drop(true)
        .spawn()?;
    wait_for_port(port).await?;
    Ok(child)
}

/// One HTTP/1.1 request to the server on `port`, over a plain connection.
async fn request_on(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> anyhow::Result<(u16, String)> {
    use std::fmt::Write as _;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (name, value) in headers {
        write!(head, "{name}: {value}\r\n")?;
    }
    if let Some(body) = body {
        write!(head, "Content-Length: {}\r\n", body.len())?;
    }
    head.push_str("\r\n");
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    stream.write_all(head.as_bytes()).await?;
    if let Some(body) = body {
        stream.write_all(body.as_bytes()).await?;
    }
    let mut response = Vec::new();
    tokio::time::timeout(WAIT, stream.read_to_end(&mut response)).await??;
    let response = String::from_utf8(response)?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .context("an HTTP response")?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .context("an HTTP status line")?;
    Ok((status, body.to_owned()))
}

/// A second server process on the same database: see [`Sealbook::second_process`].
/// Killed when dropped.
#[derive(Debug)]
pub struct SecondProcess {
    pub proxy: RecordingProxy,
    port: u16,
    _child: Child,
}

impl SecondProcess {
    /// A URL on this process, through its recording proxy.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.proxy.port)
    }

    /// One request to this process, over a plain connection.
    pub async fn request(&self, method: &str, path: &str) -> anyhow::Result<(u16, String)> {
        request_on(self.port, method, path, &[], None).await
    }
}

/// Appends every file under `folder` to `bytes`.
fn read_tree(
    folder: &Path,
    bytes: &mut Vec<u8>,
    wanted: &dyn Fn(&Path) -> bool,
) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        if !wanted(&path) {
            continue;
        }
        if path.is_dir() {
            read_tree(&path, bytes, wanted)?;
        } else if let Ok(content) = std::fs::read(&path) {
            bytes.extend_from_slice(&content);
        }
    }
    Ok(())
}

impl Drop for Sealbook {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.start_kill();
        }
    }
}

/// The booking profile of a test business, open every day from 11:00 to 23:00
/// local time (so a booking can be made whatever day the tests run): a clinic with
/// one service and one practitioner when the id says so (`praxis-…`), else a
/// restaurant.
fn profile(business: &str) -> String {
    let hours = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .map(|day| format!("{day} = [\"{HOURS}\"]"))
        .join(", ");
    if business.starts_with("praxis") {
        format!(
            "kind = \"clinic\"\ntimezone = \"Europe/Berlin\"\nhours = {{ {hours} }}\n\
             [[business.services]]\nid = \"kg-30\"\n\
             name = {{ de = \"Krankengymnastik\", fr = \"Kinésithérapie\", en = \"Physiotherapy\" }}\n\
             duration_minutes = 30\n\
             [[business.practitioners]]\nid = \"anna\"\nname = \"Anna Keller\"\nservices = [\"kg-30\"]\n"
        )
    } else {
        format!(
            "kind = \"restaurant\"\ntimezone = \"Europe/Paris\"\ncovers = 20\nmax_party_size = 8\nturn_minutes = 105\nhours = {{ {hours} }}\n"
        )
    }
}

/// Polls `check` until it returns `Some`, bounded by [`WAIT`].
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    while tokio::time::Instant::now() < deadline {
        if let Some(value) = check().await {
            return Ok(value);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("timed out after {WAIT:?} waiting for {what}")
}
