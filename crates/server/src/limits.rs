//! Abuse limits: requests per client per minute on the endpoints that write
//! (bookings, consent records) or guess (manage tokens), and a share per
//! client of each start time. Keys are a salted SHA-256 of the client
//! address (and business).
//!
//! On SQLite the buckets live in this process's memory and the salt is new at
//! every start. On PostgreSQL every process on the database shares them (a
//! table of GCRA cells, `storage/rate_limits.rs`), so three processes give
//! exactly the configured allowance; the salt is then derived from the TOTP key
//! file, which every process of one deployment holds and the database does not,
//! so the stored keys cannot be linked to an address from the database alone.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::RequestExt as _;
use axum::extract::{ConnectInfo, MatchedPath, Path, Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::storage::{MinuteTake, RateCell, SlotAllowance};
use crate::{AppError, AppState, Storage};

mod refusals;

/// `[limits]` in the configuration.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Booking uploads per client and business per minute; places on the
    /// waitlist have an allowance of the same size of their own.
    #[serde(default = "default_bookings")]
    pub bookings_per_minute: u32,
    /// Requests with a visitor's token per client per minute: the manage link
    /// (reads, changes, cancels, erasures), a message's cancel link and a
    /// waitlist offer.
    #[serde(default = "default_manage")]
    pub manage_per_minute: u32,
    /// Consent records per client and business per minute.
    #[serde(default = "default_consents")]
    pub consents_per_minute: u32,
    /// Bookings one client may hold for one business at one start time; one more
    /// becomes possible every 12 hours. Keeps a single client from taking every
    /// table at 20:00, however slowly it books. At most [`MAX_PER_SLOT`].
    #[serde(default = "default_per_slot")]
    pub bookings_per_slot: u32,
    /// Staff login attempts per minute, per client and (separately) per e-mail
    /// address, so neither one client nor many can guess one password fast.
    /// The client's allowance also covers using a reset link or an invitation:
    /// every route that takes a new password shares it.
    #[serde(default = "default_logins")]
    pub logins_per_minute: u32,
    /// Take the client address from the last `X-Forwarded-For` entry (only behind
    /// a reverse proxy that sets it; otherwise clients could choose their own key).
    #[serde(default)]
    pub trust_forwarded_for: bool,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            bookings_per_minute: default_bookings(),
            manage_per_minute: default_manage(),
            consents_per_minute: default_consents(),
            bookings_per_slot: default_per_slot(),
            logins_per_minute: default_logins(),
            trust_forwarded_for: false,
        }
    }
}

fn default_bookings() -> u32 {
    10
}

fn default_manage() -> u32 {
    30
}

fn default_consents() -> u32 {
    30
}

fn default_per_slot() -> u32 {
    2
}

fn default_logins() -> u32 {
    10
}

/// The largest `bookings_per_slot` honoured: the limiter keeps its window
/// (12 hours × the allowance) in nanoseconds, which must fit 64 bits.
pub const MAX_PER_SLOT: u32 = 10_000;

type Key = [u8; 16];

/// A client as the booking handler sees it: a salted hash of its address.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientKey(Key);

/// Where a limiter keeps its buckets.
#[derive(Debug, Clone)]
enum Buckets {
    /// In this process's memory.
    Local(Arc<DefaultKeyedRateLimiter<Key>>),
    /// In the database, shared by every process on it.
    Shared(Storage),
}

/// One limit: `burst` requests at once, one more every `interval`.
#[derive(Debug, Clone)]
struct Limiter {
    /// Keeps the limiters' keys apart in the shared table.
    name: &'static str,
    interval: Duration,
    burst: NonZeroU32,
    buckets: Buckets,
    /// With shared buckets: the clients the table refused, until it would
    /// let them in again.
    refused: Arc<refusals::Refusals<Key>>,
}

impl Limiter {
    fn new(name: &'static str, interval: Duration, burst: u32, shared: Option<&Storage>) -> Self {
        let interval = interval.max(Duration::from_nanos(1));
        let burst = NonZeroU32::new(burst.max(1)).expect("at least 1");
        let buckets = match shared {
            Some(storage) => Buckets::Shared(storage.clone()),
            None => Buckets::Local(Arc::new(RateLimiter::keyed(
                Quota::with_period(interval)
                    .expect("a non-zero period")
                    .allow_burst(burst),
            ))),
        };
        Self {
            name,
            interval,
            burst,
            buckets,
            refused: Arc::default(),
        }
    }

    /// `burst` requests per minute.
    fn per_minute(name: &'static str, count: u32, shared: Option<&Storage>) -> Self {
        let count = count.max(1);
        Self::new(name, Duration::from_secs(60) / count, count, shared)
    }

    /// Counts one request of `key`; `429 rate_limited` past the allowance.
    async fn check(&self, key: &Key) -> Result<(), AppError> {
        match &self.buckets {
            Buckets::Local(limiter) => limiter
                .check_key(key)
                .map_err(|not_until| AppError::rate_limited(wait_of(&not_until))),
            Buckets::Shared(storage) => {
                if let Some(wait) = self.refused.wait(key, Instant::now()) {
                    return Err(AppError::rate_limited(wait));
                }
                let sent = Instant::now();
                match storage.take_rate_cell(&self.cell(key)).await? {
                    None => Ok(()),
                    Some(wait) => {
                        self.refused.remember_refusal(*key, sent, wait);
                        Err(AppError::rate_limited(wait))
                    }
                }
            }
        }
    }

    /// With shared buckets, one request of `key` for a booking's read to take
    /// (see [`MinuteTake`]), which remembers a refusal at once; `None` with
    /// buckets in memory, which are cheap to check first.
    fn minute_take(&self, key: &Key) -> Option<MinuteTake> {
        match &self.buckets {
            Buckets::Local(_) => None,
            Buckets::Shared(_) => {
                let (refused, key) = (Arc::clone(&self.refused), *key);
                // Sent no later than now: the read that refuses comes after.
                let sent = Instant::now();
                let remember = move |wait: Duration| refused.remember_refusal(key, sent, wait);
                Some(MinuteTake::new(self.cell(&key), Arc::new(remember)))
            }
        }
    }

    /// One request of `key`, to be counted later by whoever holds the result.
    fn allowance(&self, key: Key) -> SlotAllowance {
        match &self.buckets {
            Buckets::Local(limiter) => {
                let limiter = Arc::clone(limiter);
                SlotAllowance::Local(Box::new(move || {
                    limiter
                        .check_key(&key)
                        .map_err(|not_until| wait_of(&not_until))
                }))
            }
            Buckets::Shared(_) => SlotAllowance::Shared(self.cell(&key)),
        }
    }

    /// `key`'s bucket in the shared table, apart from other limiters' buckets.
    fn cell(&self, key: &Key) -> RateCell {
        let mut hasher = Sha256::new();
        hasher.update(self.name);
        hasher.update([0]);
        hasher.update(key);
        let interval_us = i64::try_from(self.interval.as_micros())
            .unwrap_or(i64::MAX)
            .max(1);
        RateCell {
            key: hasher.finalize()[..16]
                .try_into()
                .expect("SHA-256 is longer than 16 bytes"),
            interval_us,
            tolerance_us: interval_us.saturating_mul(i64::from(self.burst.get())),
        }
    }

    /// Forgets the buckets that are empty again (memory or rows stay bounded).
    async fn forget_idle(&self) -> Result<(), sqlx::Error> {
        match &self.buckets {
            Buckets::Local(limiter) => {
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
            Buckets::Shared(storage) => {
                self.refused.forget_expired(Instant::now());
                storage.forget_idle_rate_cells().await?;
            }
        }
        Ok(())
    }
}

/// The limiters of one server process: on PostgreSQL, of every process on
/// the database.
#[derive(Debug, Clone)]
pub struct RateLimits {
    bookings: Limiter,
    manage: Limiter,
    consents: Limiter,
    slots: Limiter,
    logins: Limiter,
    login_emails: Limiter,
    salt: [u8; 32],
    trust_forwarded_for: bool,
}

impl RateLimits {
    /// Limits kept in this process's memory, under a salt new at every start.
    pub fn new(config: &LimitsConfig) -> Self {
        let mut salt = [0u8; 32];
        getrandom::fill(&mut salt).expect("the operating system provides randomness");
        Self::with(config, None, salt)
    }

    /// Limits shared through `storage` by every process that has the same
    /// `salt` (derived from a secret those processes share, not stored in
    /// the database).
    pub fn shared(config: &LimitsConfig, storage: &Storage, salt: [u8; 32]) -> Self {
        Self::with(config, Some(storage), salt)
    }

    fn with(config: &LimitsConfig, shared: Option<&Storage>, salt: [u8; 32]) -> Self {
        Self {
            bookings: Limiter::per_minute("bookings", config.bookings_per_minute, shared),
            manage: Limiter::per_minute("manage", config.manage_per_minute, shared),
            consents: Limiter::per_minute("consents", config.consents_per_minute, shared),
            slots: Limiter::new(
                "slots",
                Duration::from_secs(12 * 3600),
                config.bookings_per_slot.clamp(1, MAX_PER_SLOT),
                shared,
            ),
            logins: Limiter::per_minute("logins", config.logins_per_minute, shared),
            login_emails: Limiter::per_minute("login e-mails", config.logins_per_minute, shared),
            salt,
            trust_forwarded_for: config.trust_forwarded_for,
        }
    }

    fn key(&self, client: IpAddr, scope: &str) -> Key {
        let mut hasher = Sha256::new();
        hasher.update(self.salt);
        hasher.update(client.to_string());
        hasher.update([0]);
        hasher.update(scope);
        hasher.finalize()[..16]
            .try_into()
            .expect("SHA-256 is longer than 16 bytes")
    }

    fn client(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> Option<IpAddr> {
        if self.trust_forwarded_for {
            let forwarded = headers
                .get("x-forwarded-for")
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.rsplit(',').next())
                .and_then(|last| last.trim().parse().ok());
            if forwarded.is_some() {
                return forwarded;
            }
        }
        peer.map(|peer| peer.ip())
    }

    /// A booking of `client` for `business` at `start` (unix seconds), for the
    /// booking's transaction to count once it knows the booking is no retry;
    /// it refuses once the client holds its share of that time. Without a
    /// client (an in-process call) nothing is counted.
    pub(crate) fn slot_allowance(
        &self,
        client: Option<ClientKey>,
        business: &str,
        start: i64,
    ) -> SlotAllowance {
        let Some(client) = client else {
            return SlotAllowance::Unlimited;
        };
        let mut hasher = Sha256::new();
        hasher.update(self.salt);
        hasher.update(client.0);
        hasher.update(business);
        hasher.update([0]);
        hasher.update(start.to_be_bytes());
        let key: Key = hasher.finalize()[..16]
            .try_into()
            .expect("SHA-256 is longer than 16 bytes");
        self.slots.allowance(key)
    }

    /// Counts a login attempt for `email` (already lower-cased); keyed by a
    /// salted hash, so the typed address is not kept.
    pub(crate) async fn check_login_email(&self, email: &str) -> Result<(), AppError> {
        let mut hasher = Sha256::new();
        hasher.update(self.salt);
        hasher.update(b"login e-mail\0");
        hasher.update(email);
        let key: Key = hasher.finalize()[..16]
            .try_into()
            .expect("SHA-256 is longer than 16 bytes");
        self.login_emails.check(&key).await
    }

    /// Forgets clients whose buckets are empty again: memory (or the shared
    /// table) stays bounded, and no key is kept longer than its limit needs.
    pub async fn forget_idle(&self) -> Result<(), sqlx::Error> {
        for limiter in [
            &self.bookings,
            &self.manage,
            &self.consents,
            &self.slots,
            &self.logins,
            &self.login_emails,
        ] {
            limiter.forget_idle().await?;
        }
        Ok(())
    }
}

/// How long until the in-memory limiter lets the refused client in.
fn wait_of(not_until: &governor::NotUntil<governor::clock::QuantaInstant>) -> Duration {
    not_until.wait_time_from(DefaultClock::default().now())
}

/// The middleware: `429 rate_limited` with `Retry-After` once a client is over.
/// Requests without a peer address (in-process calls) are not limited.
pub(crate) async fn limit(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let limits = &state.limits;
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_default();
    if let Some(client) = limits.client(request.headers(), peer) {
        // The business as the handler will see it, percent-decoded: keyed on the
        // raw segment, `bist%72o` would be a second allowance for `bistro`.
        let is_post = request.method() == Method::POST;
        // A place on the waitlist is written like a booking, and the client
        // holds it at a start time as it would a booking.
        let books = route.ends_with("/businesses/{business}/bookings")
            || route.ends_with("/businesses/{business}/waitlist");
        let keyed_by_business =
            is_post && (books || route.ends_with("/businesses/{business}/consents"));
        // Parsed only for the routes keyed by it, not on every API request.
        let business = if keyed_by_business {
            request
                .extract_parts::<Path<HashMap<String, String>>>()
                .await
                .ok()
                .and_then(|Path(mut params)| params.remove("business"))
        } else {
            None
        };
        let limiter_and_key = if is_post && route.ends_with("/businesses/{business}/bookings") {
            Some((
                &limits.bookings,
                limits.key(client, business.as_deref().unwrap_or_default()),
            ))
        } else if is_post && route.ends_with("/businesses/{business}/waitlist") {
            Some((
                &limits.bookings,
                limits.key(
                    client,
                    &format!("waitlist {}", business.as_deref().unwrap_or_default()),
                ),
            ))
        } else if is_post && route.ends_with("/businesses/{business}/consents") {
            Some((
                &limits.consents,
                limits.key(
                    client,
                    &format!("consents {}", business.as_deref().unwrap_or_default()),
                ),
            ))
        } else if is_post
            && (route.ends_with("/auth/login")
                || route.ends_with("/auth/reset")
                || route.ends_with("/auth/accept-invite"))
        {
            // One allowance for every route that takes a password: each costs
            // an argon2 hash (or a token lookup that guards one).
            Some((&limits.logins, limits.key(client, "login")))
        } else if !route.contains("/inbox/")
            && (route.contains("/bookings/{id}")
                || route.ends_with("/cancel")
                || route.ends_with("/offer"))
        {
            // Every route a visitor's token opens (the manage link, a
            // message's cancel link, a waitlist offer) shares one allowance.
            Some((&limits.manage, limits.key(client, "manage")))
        } else {
            None
        };
        if books {
            let key = limits.key(client, "");
            request.extensions_mut().insert(ClientKey(key));
        }
        let booking_upload = is_post && route.ends_with("/businesses/{business}/bookings");
        if let Some((limiter, key)) = limiter_and_key {
            match booking_upload.then(|| limiter.minute_take(&key)).flatten() {
                Some(take) => return take_in_booking_read(limiter, key, take, request, next).await,
                None => limiter.check(&key).await?,
            }
        }
    }
    Ok(next.run(request).await)
}

/// A booking upload with shared buckets: its per-minute take is made in the
/// booking's read, which spends no round trip of its own on it (a booking on
/// PostgreSQL is a handful of round trips, and this was one of them, with the
/// pool's two checks of its connection). A request that never reaches the
/// read (a body refused, an unknown business, a slot in the past), or whose
/// take was rolled back with its batch (a server error), is counted
/// afterwards, and is answered `429` if that take refuses it: every attempt
/// counts, as when the take came first. (A server error after its batch
/// committed, rarer still, is counted twice; a request refused after its
/// take, whose batch a later member spoils, not again: see `group_commit`.)
/// A client refused is answered from memory until its wait is over, without
/// running the request.
async fn take_in_booking_read(
    limiter: &Limiter,
    key: Key,
    take: MinuteTake,
    mut request: Request,
    next: Next,
) -> Result<Response, AppError> {
    if let Some(wait) = limiter.refused.wait(&key, Instant::now()) {
        return Err(AppError::rate_limited(wait));
    }
    request.extensions_mut().insert(take.clone());
    let response = next.run(request).await;
    // A refusal was remembered when the read made it.
    let counted = match take.outcome() {
        Some(None) => !response.status().is_server_error(),
        Some(Some(_)) => true,
        None => false,
    };
    if !counted {
        limiter.check(&key).await?;
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{ClientKey, LimitsConfig, RateLimits, SlotAllowance};
    use crate::error::whole_seconds;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        for (wait, seconds) in [
            (Duration::ZERO, 1),
            (Duration::from_millis(1), 1),
            (Duration::from_secs(1), 1),
            (Duration::from_millis(1_001), 2),
            (Duration::from_millis(42_500), 43),
            (Duration::from_secs(60), 60),
        ] {
            assert_eq!(whole_seconds(wait), seconds, "{wait:?}");
        }
    }

    #[test]
    fn any_configured_allowance_makes_a_working_limiter() {
        for allowance in [0, 1, 2, super::MAX_PER_SLOT, u32::MAX] {
            let config = LimitsConfig {
                bookings_per_minute: allowance,
                manage_per_minute: allowance,
                bookings_per_slot: allowance,
                ..LimitsConfig::default()
            };
            // Neither building nor using the limiters may overflow their
            // nanosecond arithmetic.
            let limits = RateLimits::new(&config);
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime");
            let SlotAllowance::Local(take) =
                limits.slot_allowance(Some(ClientKey([7; 16])), "bistro", 0)
            else {
                panic!("limits without a database are kept in memory");
            };
            assert!(take().is_ok());
            runtime.block_on(async {
                limits.forget_idle().await.expect("in memory");
            });
        }
    }
}
