//! A throwaway PostgreSQL server for the storage tests: Debian's packages,
//! a fresh cluster under `target/pg`, loopback only, stopped when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::{run, tools};

#[derive(Debug)]
pub(crate) struct Postgres {
    bin: PathBuf,
    /// The cluster's data folder (the E2E canary scan reads it).
    pub(crate) data: PathBuf,
    as_root: bool,
    /// `postgres://postgres@127.0.0.1:<port>` (append `/<database>`).
    pub(crate) url: String,
    /// The same server through its Unix socket, as a server on the database's
    /// own machine should reach it (loopback TCP costs more per round trip),
    /// if the socket's path fits an address; else [`Postgres::url`].
    pub(crate) socket_url: String,
}

/// The longest path a Unix socket address holds (`sun_path`, with its NUL).
const MAX_SOCKET_PATH: usize = 107;

/// A URL whose host is the folder holding the socket, percent-encoded as
/// libpq and sqlx read it: `postgres://postgres@%2Fpath%2Fto%2Ffolder:port`.
fn socket_url(folder: &Path, port: u16) -> Option<String> {
    let folder = folder.to_str()?;
    let socket = format!("{folder}/.s.PGSQL.{port}");
    if socket.len() > MAX_SOCKET_PATH {
        return None;
    }
    let host: String = folder
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect();
    Some(format!("postgres://postgres@{host}:{port}"))
}

fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop()
}

/// Runs a PostgreSQL program as the `postgres` user when we are root (the
/// server refuses to run as root).
fn pg_command(bin: &Path, program: &str, as_root: bool) -> Command {
    if as_root {
        let mut command = Command::new("runuser");
        command
            .args(["-u", "postgres", "--"])
            .arg(bin.join(program));
        command
    } else {
        Command::new(bin.join(program))
    }
}

impl Postgres {
    pub(crate) fn start(root: &Path) -> anyhow::Result<Self> {
        if bin_dir().is_none() {
            tools::apt_install(&["postgresql"])?;
        }
        let bin =
            bin_dir().context("PostgreSQL's initdb is missing after installing postgresql")?;
        let as_root = tools::is_root();
        let folder = root.join("target/pg");
        if folder.exists() {
            std::fs::remove_dir_all(&folder).context("cannot clear target/pg")?;
        }
        std::fs::create_dir_all(&folder)?;
        if as_root {
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&folder))?;
        }
        let data = folder.join("data");
        run(pg_command(&bin, "initdb", as_root)
            .args([
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(&data)
            .stdout(std::process::Stdio::null()))?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1",
            folder.display()
        );
        run(pg_command(&bin, "pg_ctl", as_root)
            .args(["-w", "-D"])
            .arg(&data)
            .args(["-o", &options, "-l"])
            .arg(folder.join("server.log"))
            .arg("start"))?;
        let url = format!("postgres://postgres@127.0.0.1:{port}");
        let postgres = Self {
            bin,
            data,
            as_root,
            socket_url: socket_url(&folder, port).unwrap_or_else(|| url.clone()),
            url,
        };
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            bail!("PostgreSQL did not come up on port {port}");
        }
        eprintln!("xtask: PostgreSQL for the tests at {}", postgres.url);
        Ok(postgres)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = pg_command(&self.bin, "pg_ctl", self.as_root)
            .args(["-m", "fast", "-D"])
            .arg(&self.data)
            .arg("stop")
            .stdout(std::process::Stdio::null())
            .status();
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::socket_url;

    #[test]
    fn a_socket_url_names_its_folder_percent_encoded() {
        assert_eq!(
            socket_url(Path::new("/work/repo+1/target/pg"), 5432).as_deref(),
            Some("postgres://postgres@%2Fwork%2Frepo%2B1%2Ftarget%2Fpg:5432")
        );
    }

    #[test]
    fn a_socket_path_too_long_for_an_address_gives_no_url() {
        let deep = format!("/{}/target/pg", "d".repeat(100));
        assert_eq!(socket_url(Path::new(&deep), 5432), None);
    }
}
