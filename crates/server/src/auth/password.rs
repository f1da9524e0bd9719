//! Staff passwords: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane),
//! stored as PHC strings. An unknown e-mail is checked against a dummy hash so
//! that it costs as long as a wrong password.
//!
//! Each hash holds 19 MiB and a core for tens of milliseconds, so every
//! computation in the server goes through [`hash_gated`] or [`verify_gated`]:
//! at most one per core runs at a time, the rest wait their turn on the async
//! side instead of filling the blocking pool (512 threads × 19 MiB).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use tokio::sync::Semaphore;

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};

/// The shortest password accepted (an invite's or `sealbook business init`'s).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A password could not be hashed (no randomness, or an absurd length).
#[derive(Debug, thiserror::Error)]
#[error("cannot hash the password: {0}")]
pub struct HashError(String);

fn hasher() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or(Params::DEFAULT);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// argon2id of `password`, with a fresh random salt, as a PHC string.
pub fn hash(password: &str) -> Result<String, HashError> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| HashError(error.to_string()))
}

/// Whether `password` matches `phc` (the comparison inside is constant-time).
/// A hash that does not parse matches nothing.
pub fn verify(password: &str, phc: &str) -> bool {
    hasher().verify_password(password.as_bytes(), phc).is_ok()
}

fn dummy() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash("not a password anyone types: the dummy").unwrap_or_default())
}

/// Makes the dummy hash now, so that the first login with an unknown e-mail
/// does not take one hash longer than a wrong password (a timing oracle).
pub fn warm_up() {
    let _ = dummy();
}

/// Spends the time of one verification on an account that does not exist.
pub fn verify_dummy(password: &str) {
    let _ = verify(password, dummy());
}

/// The argon2 computations this process lets run at once: one per core.
fn gate() -> &'static Semaphore {
    static GATE: OnceLock<Semaphore> = OnceLock::new();
    GATE.get_or_init(|| {
        Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
    })
}

static RUNNING: AtomicUsize = AtomicUsize::new(0);
static MOST_RUNNING: AtomicUsize = AtomicUsize::new(0);
static COMPUTED: AtomicU64 = AtomicU64::new(0);

/// How many argon2 computations this process has run (a metric; and how a
/// test tells that a request cost none).
pub fn computed() -> u64 {
    COMPUTED.load(Ordering::Relaxed)
}

/// The most argon2 computations that ran at the same moment in this process.
pub fn most_running() -> usize {
    MOST_RUNNING.load(Ordering::Relaxed)
}

/// Runs `work` on the blocking pool once the gate lets it in.
async fn gated<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let _permit = gate().acquire().await.expect("the gate is never closed");
    let job = tokio::task::spawn_blocking(move || {
        let running = RUNNING.fetch_add(1, Ordering::Relaxed) + 1;
        MOST_RUNNING.fetch_max(running, Ordering::Relaxed);
        COMPUTED.fetch_add(1, Ordering::Relaxed);
        let result = work();
        RUNNING.fetch_sub(1, Ordering::Relaxed);
        result
    });
    match job.await {
        Ok(result) => result,
        // argon2 does not panic on any input; if it ever did, the request fails
        // the same way as any panic in a handler.
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    }
}

/// [`hash`], off the async threads and through the gate.
pub async fn hash_gated(password: String) -> Result<String, HashError> {
    gated(move || hash(&password)).await
}

/// [`verify`] against `phc`, or [`verify_dummy`] when there is no account,
/// off the async threads and through the gate.
pub async fn verify_gated(password: String, phc: Option<String>) -> bool {
    gated(move || match phc {
        Some(phc) => verify(&password, &phc),
        None => {
            verify_dummy(&password);
            false
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_hash_is_argon2id_and_verifies_only_its_password() {
        let phc = super::hash("correct horse battery").expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(super::verify("correct horse battery", &phc));
        assert!(!super::verify("correct horse batterx", &phc));
        assert!(!super::verify("correct horse battery", "not a hash"));
    }
}
