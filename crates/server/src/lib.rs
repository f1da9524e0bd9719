//! The Sealbook server: an axum service that stores sealed bookings and the
//! public metadata needed to hold capacity. It never holds a key that opens a
//! booking (this crate builds `sealbook-envelope` without its `open` feature).

mod api;
mod assets;
pub mod auth;
pub mod availability;
pub mod business_key;
pub mod businesses;
pub mod config;
pub mod consent;
pub mod courier;
mod delivery;
pub mod embed;
mod error;
mod extract;
pub mod ids;
pub mod limits;
pub mod mail;
pub mod metrics;
pub mod notify;
mod openapi;
pub mod process;
pub mod profile;
pub mod schedule;
pub mod storage;
pub mod sweeper;
pub mod texts;
pub mod waitlist;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::Request;
use axum::http::{HeaderName, HeaderValue, Method, header};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tower::ServiceExt as _;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use config::Config;
pub use error::AppError;
pub use storage::Storage;

/// Everything a request handler needs. Cloned for every request (axum hands
/// each handler and middleware its own), so it is one shared pointer: the
/// parts behind it hold dozens of reference counts between them.
#[derive(Debug, Clone)]
pub struct AppState(Arc<SharedState>);

/// What every clone of an [`AppState`] shares, reached through it.
#[derive(Debug)]
pub struct SharedState {
    config: Arc<Config>,
    businesses: businesses::Businesses,
    storage: Storage,
    limits: limits::RateLimits,
    metrics: metrics::Metrics,
    notifier: notify::Notifier,
    offers: waitlist::OfferPass,
    totp_key: auth::totp_seal::TotpKey,
    sweeper: sweeper::Health,
}

impl AppState {
    /// Bundles the configuration and an opened storage. Without a TOTP key file
    /// (`sealbook serve` always makes one, [`Config::ensure_totp_key`]), TOTP
    /// secrets are sealed under a key that lives as long as this state: enough
    /// for a test, lost on restart.
    pub fn new(config: Config, storage: Storage) -> Self {
        let totp_key = config.totp_key.clone().unwrap_or_else(|| {
            auth::totp_seal::TotpKey::generate().expect("the OS gives randomness")
        });
        // On PostgreSQL, the processes of one deployment share their limits;
        // they share the TOTP key file too, which the database does not hold.
        let limits = match storage.backend() {
            storage::Backend::Postgres => limits::RateLimits::shared(
                &config.limits,
                &storage,
                totp_key.derive(b"sealbook rate-limit keys v1"),
            ),
            storage::Backend::Sqlite => limits::RateLimits::new(&config.limits),
        };
        let businesses = businesses::Businesses::new(&config);
        storage.plan_couriers(
            config
                .businesses
                .iter()
                .filter_map(|business| {
                    let courier = business.courier.as_ref()?;
                    Some((business.id.clone(), courier.plan.clone()))
                })
                .collect(),
        );
        Self(Arc::new(SharedState {
            limits,
            notifier: notifier(&config, &businesses, &storage),
            businesses,
            config: Arc::new(config),
            storage,
            metrics: metrics::Metrics::new(),
            offers: waitlist::OfferPass::default(),
            totp_key,
            sweeper: sweeper::Health::new(jiff::Timestamp::now()),
        }))
    }

    /// The business `id`, with the schedule this process serves now.
    pub fn business(&self, id: &str) -> Option<Arc<config::Business>> {
        self.businesses.get(id)
    }

    /// This process's metrics, e.g. to render them in a test.
    pub fn metrics(&self) -> &metrics::Metrics {
        &self.metrics
    }
}

impl std::ops::Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

/// The sender of staff notices, when `[smtp]` is configured and a Tokio
/// runtime is there to run it; without one, no notice is written.
fn notifier(
    config: &Config,
    businesses: &businesses::Businesses,
    storage: &Storage,
) -> notify::Notifier {
    let Some(smtp) = &config.smtp else {
        return notify::Notifier::default();
    };
    if tokio::runtime::Handle::try_current().is_err() {
        tracing::error!("no async runtime: staff notices are off");
        return notify::Notifier::default();
    }
    notify::Notifier::start(smtp, config, businesses.clone(), storage.clone()).unwrap_or_else(
        |error| {
            tracing::error!(%error, "cannot set up SMTP: staff notices are off");
            notify::Notifier::default()
        },
    )
}

/// The whole HTTP service.
pub fn app(state: AppState) -> Router {
    let api = api::router()
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::limit,
        ))
        .layer(api_cors(&state.config));
    // Only when visitors reach the server over TLS (its proxy terminates it):
    // browsers then refuse plain HTTP to this host for a year.
    let hsts = state
        .config
        .public_url
        .as_deref()
        .is_some_and(|url| url.starts_with("https://"))
        .then(|| HeaderValue::from_static("max-age=31536000"));
    // Read once: every handler that names the built files sees the same build.
    let built = Arc::new(delivery::BuiltFiles::load(&state.config.widget_dir));
    Router::new()
        .nest("/api/v1", api)
        .merge(assets::router())
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route("/readyz", axum::routing::get(ready))
        .route("/metrics", axum::routing::get(metrics::expose))
        .fallback(assets::not_found)
        .method_not_allowed_fallback(assets::method_not_allowed)
        .layer(axum::Extension(built))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &axum::http::Response<_>| hsts.clone(),
        ))
        // Logs method, route template, status and latency only: never bodies,
        // query strings or headers, which could carry envelopes or tokens.
        .layer(
            TraceLayer::new_for_http()
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO))
                .make_span_with(|request: &Request<_>| {
                    let route = request
                        .extensions()
                        .get::<axum::extract::MatchedPath>()
                        .map_or("unmatched", axum::extract::MatchedPath::as_str)
                        .to_owned();
                    tracing::info_span!("request", method = %request.method(), route)
                }),
        )
        .with_state(state)
}

/// Ready when the database answers and retention runs (for load balancers,
/// orchestrators and monitoring): a server whose sweeper keeps failing keeps
/// bookings past what visitors were told, which must not pass unnoticed.
async fn ready(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<&'static str, AppError> {
    state.storage.ping().await.map_err(|_| AppError::NotReady)?;
    if state
        .sweeper
        .stalled(jiff::Timestamp::now(), state.config.sweep_interval)
    {
        return Err(AppError::SweeperFailing);
    }
    Ok("ready")
}

/// How long a client may take. A client that trickles its headers or its body
/// would otherwise hold a connection (and a task) as long as it likes.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// From the connection's first byte (or the previous response) to the end
    /// of a request's headers.
    pub headers: Duration,
    /// From the end of the headers to the answer, reading the body included;
    /// past it the client gets `408 request_timeout`.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            headers: Duration::from_secs(10),
            request: Duration::from_secs(30),
        }
    }
}

/// Serves [`app`] on `listener` until `shutdown` resolves, then drains in-flight
/// requests. The retention sweeper and the waitlist's offer pass run
/// alongside, each starting with a pass at once.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, shutdown, Timeouts::default()).await
}

/// [`serve`] with other [`Timeouts`].
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    timeouts: Timeouts,
) -> std::io::Result<()> {
    // Bookings are checked against the stored schedules from the first request.
    if let Err(error) = state.businesses.load(&state.storage).await {
        tracing::error!(%error, "cannot read the stored schedules: serving sealbook.toml's");
    }
    let schedules = state.businesses.watch(state.storage.clone());
    let sweeper = sweeper::spawn(state.clone());
    let offers = waitlist::spawn(state.clone());
    tokio::task::spawn_blocking(auth::password::warm_up);
    let forgetter = {
        let limits = state.limits.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(Duration::from_secs(60));
            loop {
                ticks.tick().await;
                if let Err(error) = limits.forget_idle().await {
                    tracing::warn!(%error, "cannot forget idle rate-limit keys");
                }
            }
        })
    };
    let service = app(state).layer(axum::middleware::from_fn(move |request, next| {
        answer_within(timeouts.request, request, next)
    }));
    let mut connections = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    connections
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.headers);
    // HTTP/2 has no header-read timeout; a connection that sends no frame is
    // closed by its keep-alive ping going unanswered.
    connections
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(timeouts.headers)
        .keep_alive_timeout(timeouts.headers);
    let draining = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, most likely: give others time to close.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = service
            .clone()
            .map_request(move |request: Request<Incoming>| {
                let mut request = request.map(axum::body::Body::new);
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                request
            });
        let connection = connections
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let connection = draining.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended");
            }
        });
    }
    drop(listener);
    draining.shutdown().await;
    sweeper.abort();
    offers.abort();
    forgetter.abort();
    schedules.abort();
    Ok(())
}

/// `408 request_timeout` once a request has taken `limit`. A booking already
/// handed to its own task still finishes (see `api::bookings::create`).
async fn answer_within(
    limit: Duration,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => axum::response::IntoResponse::into_response(AppError::RequestTimeout),
    }
}

/// CORS for the API: a business's routes answer only the origins that business
/// embeds the widget on; the visitor's manage routes are used by the manage page
/// on this server's own origin and answer no other.
fn api_cors(config: &Arc<Config>) -> CorsLayer {
    let config = Arc::clone(config);
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, request| {
            // Under `nest`, the request's URI has lost the `/api/v1` prefix.
            let path = request.uri.path();
            let Some(business) = path
                .strip_prefix("/businesses/")
                .and_then(|rest| rest.split('/').next())
            else {
                return false;
            };
            config.business(business).is_some_and(|business| {
                business
                    .allowed_origins
                    .iter()
                    .any(|allowed| allowed.as_bytes() == origin.as_bytes())
            })
        }))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
        ])
        .max_age(Duration::from_secs(600))
}
