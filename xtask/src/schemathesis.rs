//! The property-based API test: the real `sealbook serve` with a restaurant and
//! a clinic, and schemathesis generating requests from the server's own
//! `/api/v1/openapi.json`. Any 5xx or any response the document does not
//! describe fails the run. The requests carry the restaurant owner's session
//! (cookie and CSRF token), so the inbox routes answer with more than `401`.

use std::io::Read as _;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::run;

const PASSPHRASE: &str = "schemathesis passphrase";
const OWNER_EMAIL: &str = "owner@bistro.example";
const OWNER_PASSWORD: &str = "schemathesis owner password";
/// The routes that would end the session the run uses; everything else is generated.
const SESSION_ENDING: &str = "^/api/v1/auth/logout";
/// Test cases per operation and phase: enough to find the edges, bounded for 2 cores.
const MAX_EXAMPLES: &str = "50";
/// The whole run's time budget, in seconds.
const MAX_SECONDS: &str = "150";

/// The server process, killed when dropped (also when the run fails).
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `sealbook` with a temporary configuration and runs schemathesis
/// (from the venv in `.tools/venv`) against it.
pub(crate) fn run_against(root: &Path, sealbook: &Path, schemathesis: &Path) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("sealbook-schemathesis-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).context("cannot create the schemathesis directory")?;
    let result = run_in(root, &dir, sealbook, schemathesis);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run_in(root: &Path, dir: &Path, sealbook: &Path, schemathesis: &Path) -> anyhow::Result<()> {
    let passphrase = dir.join("passphrase");
    std::fs::write(&passphrase, PASSPHRASE)?;
    for business in ["bistro", "praxis"] {
        run(Command::new(sealbook)
            .args(["keygen", "--business", business, "--out"])
            .arg(dir.join("keys"))
            .arg("--passphrase-file")
            .arg(&passphrase)
            .stdout(Stdio::null()))?;
    }
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    std::fs::write(dir.join("sealbook.toml"), config(root, port))?;
    let password = dir.join("owner-password");
    std::fs::write(&password, OWNER_PASSWORD)?;
    run(Command::new(sealbook)
        .args(["business", "init", "--config"])
        .arg(dir.join("sealbook.toml"))
        .args([
            "--business",
            "bistro",
            "--email",
            OWNER_EMAIL,
            "--password-file",
        ])
        .arg(&password)
        .arg("--key")
        .arg(dir.join("keys/bistro.key.pem"))
        .stdout(Stdio::null()))?;
    let log = std::fs::File::create(dir.join("server.log"))?;
    let child = Command::new(sealbook)
        .arg("serve")
        .arg("--config")
        .arg(dir.join("sealbook.toml"))
        .stdout(Stdio::from(log.try_clone()?))
        .stderr(Stdio::from(log))
        .spawn()
        .context("cannot start sealbook serve")?;
    let server = Server(child);
    wait_for_health(port)?;
    let (cookie, csrf) = log_in(port)?;

    let outcome = run(Command::new(schemathesis)
        .arg("--config-file")
        .arg(root.join("xtask/schemathesis.toml"))
        .arg("run")
        .arg(format!("http://127.0.0.1:{port}/api/v1/openapi.json"))
        .args(["--checks", "all"])
        // The session is the document's `session` scheme (schemathesis.toml), so
        // schemathesis leaves it out where it tests a missing credential.
        .env("SEALBOOK_SESSION", cookie)
        .args(["--header", &format!("x-sealbook-csrf: {csrf}")])
        .args(["--exclude-path-regex", SESSION_ENDING])
        .args(["--max-examples", MAX_EXAMPLES, "--max-time", MAX_SECONDS])
        // One worker: hypothesis's lambda descriptions race in CPython 3.11's
        // `ast` when two threads generate at once.
        .args(["--seed", "1", "--workers", "1", "--no-color"])
        .current_dir(dir));
    drop(server);
    if outcome.is_err() {
        let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
        eprintln!("xtask: the server's log:\n{log}");
    }
    outcome
}

fn config(root: &Path, port: u16) -> String {
    let hours = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .map(|day| format!("{day} = [\"11:00-23:00\"]"))
        .join(", ");
    format!(
        "listen = \"127.0.0.1:{port}\"\ndatabase = \"sqlite://sealbook.db\"\n\
         widget_dir = \"{dist}\"\nwww_dir = \"{www}\"\n\n\
         [limits]\nbookings_per_minute = 100000\nmanage_per_minute = 100000\nbookings_per_slot = 10000\n\n\
         [[business]]\nid = \"bistro\"\nname = \"Bistro\"\nallowed_origins = [\"https://bistro.example\"]\n\
         keys = [{{ file = \"keys/bistro.pub.pem\" }}]\n\
         kind = \"restaurant\"\ntimezone = \"Europe/Paris\"\ncovers = 20\nmax_party_size = 8\nturn_minutes = 105\nhours = {{ {hours} }}\n\n\
         [[business]]\nid = \"praxis\"\nname = \"Praxis\"\nallowed_origins = [\"https://praxis.example\"]\n\
         keys = [{{ file = \"keys/praxis.pub.pem\" }}]\n\
         kind = \"clinic\"\ntimezone = \"Europe/Berlin\"\nhours = {{ {hours} }}\n\
         [[business.services]]\nid = \"kg-30\"\nname = {{ de = \"Krankengymnastik\", en = \"Physiotherapy\" }}\nduration_minutes = 30\n\
         [[business.practitioners]]\nid = \"anna\"\nname = \"Anna Keller\"\nservices = [\"kg-30\"]\n",
        dist = root.join("dist").display(),
        www = root.join("www").display(),
    )
}

/// Logs the owner in; returns the session cookie's value and the CSRF token.
fn log_in(port: u16) -> anyhow::Result<(String, String)> {
    use std::io::Write as _;
    let body = format!("{{\"email\":\"{OWNER_EMAIL}\",\"password\":\"{OWNER_PASSWORD}\"}}");
    let request = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    if !response.starts_with("HTTP/1.1 200") {
        bail!("the owner's login for schemathesis failed: {response}");
    }
    // Header names are case-insensitive (RFC 9110); the value is not.
    let cookie = response
        .lines()
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, value)| value.trim().strip_prefix("sealbook_session="))
        .and_then(|rest| rest.split(';').next())
        .context("the login set no session cookie")?;
    let csrf = response
        .split_once("\"csrf\":\"")
        .and_then(|(_, rest)| rest.split('"').next())
        .context("the login answered no CSRF token")?;
    Ok((cookie.to_owned(), csrf.to_owned()))
}

/// Polls `GET /healthz` until it answers `ok`, for at most 30 seconds.
fn wait_for_health(port: u16) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            use std::io::Write as _;
            let request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            let mut response = String::new();
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_to_string(&mut response).is_ok()
                && response.starts_with("HTTP/1.1 200")
            {
                return Ok(());
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("sealbook serve did not answer /healthz on port {port} within 30 seconds")
}
