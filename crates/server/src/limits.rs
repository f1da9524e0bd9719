//! Abuse limits: requests per client per minute on the endpoints that write
//! (bookings, consent records) or guess (manage tokens), and a share per
//! client of each start time. Keys are a salted SHA-256 of the client
//! address (and business), kept in memory only; the salt is new at every start,
//! so nothing here can be linked to an address afterwards. Limits are per server
//! process: with several processes, a client gets each process's allowance.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::RequestExt as _;
use axum::extract::{ConnectInfo, MatchedPath, Path, Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::{AppError, AppState};

/// `[limits]` in the configuration.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Booking uploads per client and business per minute.
    #[serde(default = "default_bookings")]
    pub bookings_per_minute: u32,
    /// Manage-link requests per client per minute (reads, changes, cancels, erasures).
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

/// The limiters of one server process.
#[derive(Debug, Clone)]
pub struct RateLimits {
    bookings: Arc<DefaultKeyedRateLimiter<Key>>,
    manage: Arc<DefaultKeyedRateLimiter<Key>>,
    consents: Arc<DefaultKeyedRateLimiter<Key>>,
    slots: Arc<DefaultKeyedRateLimiter<Key>>,
    logins: Arc<DefaultKeyedRateLimiter<Key>>,
    login_emails: Arc<DefaultKeyedRateLimiter<Key>>,
    salt: [u8; 32],
    trust_forwarded_for: bool,
}

impl RateLimits {
    pub fn new(config: &LimitsConfig) -> Self {
        let per_minute =
            |count: u32| Quota::per_minute(NonZeroU32::new(count.max(1)).expect("at least 1"));
        let mut salt = [0u8; 32];
        getrandom::fill(&mut salt).expect("the operating system provides randomness");
        Self {
            bookings: Arc::new(RateLimiter::keyed(per_minute(config.bookings_per_minute))),
            manage: Arc::new(RateLimiter::keyed(per_minute(config.manage_per_minute))),
            consents: Arc::new(RateLimiter::keyed(per_minute(config.consents_per_minute))),
            slots: Arc::new(RateLimiter::keyed(
                Quota::with_period(Duration::from_secs(12 * 3600))
                    .expect("a non-zero period")
                    .allow_burst(
                        NonZeroU32::new(config.bookings_per_slot.clamp(1, MAX_PER_SLOT))
                            .expect("at least 1"),
                    ),
            )),
            logins: Arc::new(RateLimiter::keyed(per_minute(config.logins_per_minute))),
            login_emails: Arc::new(RateLimiter::keyed(per_minute(config.logins_per_minute))),
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

    /// Counts a booking of `client` for `business` at `start` (unix seconds);
    /// refuses once the client holds its share of that time.
    pub(crate) fn hold_slot(
        &self,
        client: ClientKey,
        business: &str,
        start: i64,
    ) -> Result<(), AppError> {
        let mut hasher = Sha256::new();
        hasher.update(self.salt);
        hasher.update(client.0);
        hasher.update(business);
        hasher.update([0]);
        hasher.update(start.to_be_bytes());
        let key: Key = hasher.finalize()[..16]
            .try_into()
            .expect("SHA-256 is longer than 16 bytes");
        self.slots
            .check_key(&key)
            .map_err(|not_until| retry_after(&not_until))
    }

    /// Counts a login attempt for `email` (already lower-cased); keyed by a
    /// salted hash, so the typed address is not kept.
    pub(crate) fn check_login_email(&self, email: &str) -> Result<(), AppError> {
        let mut hasher = Sha256::new();
        hasher.update(self.salt);
        hasher.update(b"login e-mail\0");
        hasher.update(email);
        let key: Key = hasher.finalize()[..16]
            .try_into()
            .expect("SHA-256 is longer than 16 bytes");
        self.login_emails
            .check_key(&key)
            .map_err(|not_until| retry_after(&not_until))
    }

    /// Forgets clients that have not been seen for a while (memory stays bounded).
    pub fn forget_idle(&self) {
        for limiter in [
            &self.bookings,
            &self.manage,
            &self.consents,
            &self.slots,
            &self.logins,
            &self.login_emails,
        ] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// `429 rate_limited`, saying how long to wait.
fn retry_after(not_until: &governor::NotUntil<governor::clock::QuantaInstant>) -> AppError {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    AppError::RateLimited(Duration::from_secs(whole_seconds(wait)))
}

/// A wait in whole seconds for `Retry-After`, rounded up (a client that waits
/// exactly that long is let in) and at least 1.
fn whole_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
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
        let business = request
            .extract_parts::<Path<HashMap<String, String>>>()
            .await
            .ok()
            .and_then(|Path(mut params)| params.remove("business"));
        let is_post = request.method() == Method::POST;
        let limiter_and_key = if is_post && route.ends_with("/businesses/{business}/bookings") {
            Some((
                &limits.bookings,
                limits.key(client, business.as_deref().unwrap_or_default()),
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
        } else if route.contains("/bookings/{id}") && !route.contains("/inbox/") {
            Some((&limits.manage, limits.key(client, "manage")))
        } else {
            None
        };
        if route.ends_with("/businesses/{business}/bookings") {
            let key = limits.key(client, "");
            request.extensions_mut().insert(ClientKey(key));
        }
        if let Some((limiter, key)) = limiter_and_key
            && let Err(not_until) = limiter.check_key(&key)
        {
            return Err(retry_after(&not_until));
        }
    }
    Ok(next.run(request).await)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{ClientKey, LimitsConfig, RateLimits, whole_seconds};

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
            assert!(limits.hold_slot(ClientKey([7; 16]), "bistro", 0).is_ok());
            limits.forget_idle();
        }
    }
}
