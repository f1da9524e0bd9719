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
        let postgres = Self {
            bin,
            data,
            as_root,
            url: format!("postgres://postgres@127.0.0.1:{port}"),
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
