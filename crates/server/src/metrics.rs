//! Prometheus metrics (`GET /metrics` with the configured bearer token):
//! counts and latencies by route template, status and error code, bookings by
//! business and outcome, retention deletions by business, the sweeper's failed
//! passes and last success, erasures still waiting for the sweeper to truncate
//! SQLite's WAL, staff notices waiting in the outbox. Labels come only from
//! the configuration and the code, never from a request's content: no booking
//! id, no client, nothing a visitor typed, no business id that is not configured.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use subtle::ConstantTimeEq as _;

use crate::config::Config;
use crate::error::ErrorCode;
use crate::storage::Flush;
use crate::{AppError, AppState};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
    /// The typed error's code; empty on success.
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BookingLabels {
    business: String,
    /// `accepted`, or the code the booking was refused with.
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BusinessLabels {
    business: String,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// The metrics of one server process.
#[derive(Debug, Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    bookings: Family<BookingLabels, Counter>,
    swept: Family<BusinessLabels, Counter>,
    pending_erasures: Gauge,
    outbox_depth: Gauge,
    sweeper_failures: Counter,
    sweeper_last_success: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        // 0.25 ms to ~4 s.
        let latency: LatencyFamily =
            Family::new_with_constructor(|| Histogram::new(exponential_buckets(0.000_25, 2.0, 15)));
        let bookings = Family::<BookingLabels, Counter>::default();
        let swept = Family::<BusinessLabels, Counter>::default();
        let pending_erasures = Gauge::default();
        let outbox_depth = Gauge::default();
        let sweeper_failures = Counter::default();
        let sweeper_last_success = Gauge::default();
        let mut registry = Registry::with_prefix("sealbook");
        registry.register(
            "http_requests",
            "HTTP requests by route template, status and error code",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer, by route template",
            latency.clone(),
        );
        registry.register(
            "bookings",
            "Booking uploads by business and outcome (accepted or the error code)",
            bookings.clone(),
        );
        registry.register(
            "retention_deleted_bookings",
            "Bookings deleted by the retention sweeper",
            swept.clone(),
        );
        registry.register(
            "pending_erasures",
            "Erasures whose old bytes are still in SQLite's WAL, for the sweeper to finish",
            pending_erasures.clone(),
        );
        registry.register(
            "outbox_depth",
            "Staff notices in the database not yet sent nor given up (all processes)",
            outbox_depth.clone(),
        );
        registry.register(
            "sweeper_failures",
            "Retention sweeper passes that failed (see the log for why)",
            sweeper_failures.clone(),
        );
        registry.register(
            "sweeper_last_success_timestamp_seconds",
            "When the retention sweeper last finished a pass (0: not yet)",
            sweeper_last_success.clone(),
        );
        Self {
            registry: Arc::new(registry),
            requests,
            latency,
            bookings,
            swept,
            pending_erasures,
            outbox_depth,
            sweeper_failures,
            sweeper_last_success,
        }
    }

    /// A sweeper pass that finished at `now`.
    pub fn record_sweep_success(&self, now: jiff::Timestamp) {
        self.sweeper_last_success.set(now.as_second());
    }

    /// A sweeper pass that failed.
    pub fn record_sweep_failure(&self) {
        self.sweeper_failures.inc();
    }

    /// Counts an erasure whose old bytes could not leave the WAL at once.
    pub fn record_erasure(&self, flush: Flush) {
        if flush == Flush::Pending {
            self.pending_erasures.inc();
        }
    }

    /// What the sweeper found still pending after its pass.
    pub fn set_pending_erasures(&self, pending: u64) {
        self.pending_erasures
            .set(i64::try_from(pending).unwrap_or(i64::MAX));
    }

    /// How many staff notices wait in the outbox.
    pub fn set_outbox_depth(&self, depth: u64) {
        self.outbox_depth
            .set(i64::try_from(depth).unwrap_or(i64::MAX));
    }

    /// Counts bookings the retention sweeper deleted for `business`.
    pub fn record_swept(&self, business: &str, deleted: u64) {
        self.swept
            .get_or_create(&BusinessLabels {
                business: business.to_owned(),
            })
            .inc_by(deleted);
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .expect("writing to a String cannot fail");
        text
    }
}

/// The middleware that counts and times every request.
pub(crate) async fn record(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let business = (method == Method::POST && route == "/api/v1/businesses/{business}/bookings")
        .then(|| configured_business(&state.config, request.uri().path()))
        .flatten();
    let response = next.run(request).await;
    let metrics = &state.metrics;
    let code = response
        .extensions()
        .get::<ErrorCode>()
        .map_or("", |code| code.0);
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method: method.to_string(),
            route: route.clone(),
            status: response.status().as_u16(),
            code: code.to_owned(),
        })
        .inc();
    metrics
        .latency
        .get_or_create(&RouteLabels {
            method: method.to_string(),
            route,
        })
        .observe(started.elapsed().as_secs_f64());
    if let Some(business) = business {
        let outcome = if response.status().is_success() {
            "accepted"
        } else {
            code
        };
        metrics
            .bookings
            .get_or_create(&BookingLabels {
                business,
                outcome: outcome.to_owned(),
            })
            .inc();
    }
    response
}

/// The business id in `path`, if it is a configured one.
fn configured_business(config: &Config, path: &str) -> Option<String> {
    let id = path
        .strip_prefix("/api/v1/businesses/")?
        .split('/')
        .next()?;
    config
        .business(id)
        .map(|business| business.id.as_str().to_owned())
}

/// `GET /metrics`: only with `Authorization: Bearer <metrics_token>`; without a
/// configured token, there is no such page.
pub(crate) async fn expose(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some(token) = state.config.metrics_token.as_deref() else {
        return Err(AppError::NotFound);
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !bool::from(presented.as_bytes().ct_eq(token.as_bytes())) {
        return Ok((
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response());
    }
    // Read at each scrape: the outbox is shared by every process.
    match state.storage.outbox_depth().await {
        Ok(depth) => state.metrics.set_outbox_depth(depth),
        Err(error) => tracing::warn!(%error, "cannot count the outbox"),
    }
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response())
}
