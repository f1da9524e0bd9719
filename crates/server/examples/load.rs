//! Load benchmark of the real server (`cargo xtask bench`): booking-POST
//! throughput and latency with concurrent clients, and availability latency on
//! an empty database and on one holding those bookings, on SQLite and (when
//! `SEALBOOK_TEST_POSTGRES` names a server) PostgreSQL; then the same uploads
//! spread over 100 businesses on each backend. Each upload runs with 16 and
//! with 64 clients, [`REPEATS`] times each into a fresh database: each client waits for its booking to be durable before
//! it sends the next, so 16 clients cannot keep the server busy while a commit
//! waits on the disk (at most 16 bookings per commit), and the second figure
//! shows what the server takes when more visitors book at once. The report
//! gives the run of median throughput and the range of all of them.
//!
//! The server is the library's own `serve`, on a loopback port, in this process;
//! the clients speak HTTP/1.1 over keep-alive connections. Bookings are sealed
//! beforehand with the real envelope code to the restaurant's 3072-bit test key,
//! with the body the widget sends. Timings vary between runs and machines: they
//! are printed, never asserted; only a refused booking fails the run.
//!
//! `SEALBOOK_LOAD_SKIP_SQLITE=1` runs PostgreSQL alone, to compare changes to
//! it run after run in less time.

// The markdown report on stdout is this program's whole output.
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail, ensure};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request, StatusCode, header};
use hyper_util::rt::TokioIo;
use sealbook_envelope::{ManageSecret, Recipient, SealParams, seal, seal_visitor_copy};
use sealbook_server::{AppState, Config, Storage};
use serde_json::{Value, json};
use sqlx::Connection as _;

const VECTORS: &str = include_str!("../../../tests/vectors/v1.json");
const BUSINESS: &str = "bistro-du-coin";
/// Businesses in the second run of each backend (the first has one).
const MANY_BUSINESSES: usize = 100;
const TIMEZONE: &str = "Europe/Paris";
/// Bookings uploaded per backend.
const BOOKINGS: usize = 2000;
/// Clients uploading at once, each on its own keep-alive connection: one
/// upload with each count.
const CLIENT_COUNTS: [usize; 2] = [16, 64];
/// Uploads per backend, businesses and clients, each into a fresh database.
/// One upload lasts a second or two, and the speed of this kind of machine
/// moves by a quarter from one second to the next, so one run says little.
const REPEATS: usize = 3;
/// Sequential requests per availability query.
const ROUNDS: usize = 300;
/// Unmeasured requests before each availability query.
const WARM_UP: usize = 10;
/// Days the bookings are spread over (from the day after tomorrow).
const BOOKED_DAYS: usize = 30;
/// Slot starts per day: 00:00 to 22:30 every 15 minutes (a 90-minute turn before midnight).
const SLOTS_PER_DAY: usize = 91;
/// One request may take at most this long.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The whole upload phase stops taking new requests after this long.
const UPLOAD_DEADLINE: Duration = Duration::from_secs(600);

/// Availability queries on one database state.
#[derive(Debug)]
struct Queries {
    month: Vec<Duration>,
    day: Vec<Duration>,
}

/// One upload: its wall time and the latency of each created booking.
#[derive(Debug)]
struct Upload {
    wall: Duration,
    latencies: Vec<Duration>,
}

impl Upload {
    fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.wall.as_secs_f64()
    }
}

/// What one backend measured with one count of businesses and clients.
#[derive(Debug)]
struct Measured {
    backend: &'static str,
    businesses: usize,
    clients: usize,
    /// Every upload, slowest first.
    uploads: Vec<Upload>,
    /// Availability before and after the first upload, where it is measured.
    availability: Option<Availability>,
}

/// Availability on an empty database, then with the upload's bookings stored.
#[derive(Debug)]
struct Availability {
    empty: Queries,
    loaded: Queries,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let vectors: Value = serde_json::from_str(VECTORS).context("vectors parse")?;
    let vector = &vectors[0];
    ensure!(
        vector["name"] == "restaurant-3072",
        "the first vector is the restaurant's 3072-bit key"
    );
    let pem = vector["public_key_pem"]
        .as_str()
        .context("the vector has a public key")?
        .to_owned();
    let recipient = Recipient::from_spki_pem(&pem).context("the vector's key parses")?;

    let mut measured = Vec::new();
    let dir = tempfile::tempdir().context("temporary folder")?;
    let postgres = std::env::var("SEALBOOK_TEST_POSTGRES")
        .ok()
        .filter(|server| !server.is_empty());
    if postgres.is_none() {
        eprintln!("load: SEALBOOK_TEST_POSTGRES is not set; PostgreSQL skipped");
    }
    let mut backends: Vec<(&'static str, Option<&str>)> = Vec::new();
    if std::env::var_os("SEALBOOK_LOAD_SKIP_SQLITE").is_none() {
        backends.push(("SQLite", None));
    }
    if let Some(server) = &postgres {
        backends.push(("PostgreSQL", Some(server)));
    }
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get(TIMEZONE)?)
        .date();
    for businesses in [1, MANY_BUSINESSES] {
        // Sealed once: a fresh database takes the same bodies again.
        let sealing = Instant::now();
        let bodies = Arc::new(sealed_bodies(&recipient, today, businesses)?);
        eprintln!(
            "load: {} bookings sealed in {:.1} s",
            bodies.len(),
            sealing.elapsed().as_secs_f64()
        );
        for clients in CLIENT_COUNTS {
            for &(backend, server) in &backends {
                let mut runs = Vec::with_capacity(REPEATS);
                for repeat in 0..REPEATS {
                    // A file of its own on SQLite; a database of its own on
                    // the PostgreSQL server, dropped after the run.
                    let (database, postgres_name) = match server {
                        None => (
                            format!(
                                "sqlite://{}",
                                dir.path()
                                    .join(format!("load-{businesses}-{clients}-{repeat}.db"))
                                    .display()
                            ),
                            None,
                        ),
                        Some(server) => {
                            let (url, name) = fresh_postgres(server).await?;
                            (url, Some(name))
                        }
                    };
                    let run = Run {
                        backend,
                        database: &database,
                        businesses,
                        clients,
                        today,
                        availability: repeat == 0 && measures_availability(businesses, clients),
                    };
                    let result = run_backend(&run, dir.path(), &pem, Arc::clone(&bodies)).await;
                    if let (Some(server), Some(name)) = (server, &postgres_name) {
                        drop_postgres(server, name).await;
                    }
                    runs.push(result?);
                }
                measured.push(Measured::of(runs));
            }
        }
    }

    report(&measured, postgres.as_deref().map(reached_over));
    Ok(())
}

/// How the server reaches PostgreSQL at `server`: a URL whose host is a
/// percent-encoded folder, or whose `host` option is a folder, names the
/// folder of the server's Unix socket.
fn reached_over(server: &str) -> &'static str {
    let lower = server.to_ascii_lowercase();
    if ["@%2f", "//%2f", "host=/", "host=%2f"]
        .iter()
        .any(|socket| lower.contains(socket))
    {
        "its Unix socket"
    } else {
        "TCP"
    }
}

/// A new, empty database on the PostgreSQL server, as the storage tests make one.
async fn fresh_postgres(server: &str) -> anyhow::Result<(String, String)> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).context("randomness")?;
    let name = format!(
        "sealbook_load_{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .context("connect to PostgreSQL")?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .context("create the database")?;
    admin.close().await.context("disconnect")?;
    Ok((format!("{server}/{name}"), name))
}

/// Best effort: the cluster `cargo xtask bench` starts is thrown away anyway.
async fn drop_postgres(server: &str, name: &str) {
    if let Ok(mut admin) = sqlx::PgConnection::connect(&format!("{server}/postgres")).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut admin)
            .await;
        let _ = admin.close().await;
    }
}

/// What one run measures: a backend at a database, with this many businesses,
/// uploaded to by this many clients, the bookings' days counted from `today`;
/// and with `availability`, the availability queries before and after.
#[derive(Debug)]
struct Run<'a> {
    backend: &'static str,
    database: &'a str,
    businesses: usize,
    clients: usize,
    today: jiff::civil::Date,
    availability: bool,
}

/// Availability is reported for one business and the fewer clients: the
/// database then holds that business's bookings alone.
fn measures_availability(businesses: usize, clients: usize) -> bool {
    businesses == 1 && clients == CLIENT_COUNTS[0]
}

/// The id of business `index`: the first is [`BUSINESS`], whose availability is measured.
fn business_id(index: usize) -> String {
    if index == 0 {
        BUSINESS.to_owned()
    } else {
        format!("bistro-{index:03}")
    }
}

fn config_text(database: &str, pem: &str, businesses: usize) -> String {
    let mut text = format!(
        r#"
        database = "{database}"

        # One client sends every booking: the per-client limit is lifted for the benchmark.
        [limits]
        bookings_per_minute = 1000000
        "#
    );
    for index in 0..businesses {
        text.push_str(&business_text(&business_id(index), pem));
    }
    text
}

fn business_text(id: &str, pem: &str) -> String {
    format!(
        r#"
        [[business]]
        id = "{id}"
        name = "Bistro du Coin"
        allowed_origins = ["http://localhost"]
        keys = [{{ pem = """{pem}""" }}]
        kind = "restaurant"
        timezone = "{TIMEZONE}"
        covers = 100
        max_party_size = 8
        turn_minutes = 90
        slot_interval_minutes = 15
        min_lead_minutes = 60
        horizon_days = 60
        hours = {{ mon = ["00:00-24:00"], tue = ["00:00-24:00"], wed = ["00:00-24:00"], thu = ["00:00-24:00"], fri = ["00:00-24:00"], sat = ["00:00-24:00"], sun = ["00:00-24:00"] }}
        "#
    )
}

/// One run's upload, with the availability queries around it if it made them.
struct RunResult {
    backend: &'static str,
    businesses: usize,
    clients: usize,
    upload: Upload,
    availability: Option<Availability>,
}

impl Measured {
    /// The runs of one backend, businesses and clients: the first run's
    /// availability queries and every run's upload.
    fn of(runs: Vec<RunResult>) -> Self {
        let mut runs = runs.into_iter();
        let first = runs.next().expect("at least one run");
        let mut uploads: Vec<Upload> = std::iter::once(first.upload)
            .chain(runs.map(|run| run.upload))
            .collect();
        uploads.sort_by(|a, b| a.throughput().total_cmp(&b.throughput()));
        Self {
            backend: first.backend,
            businesses: first.businesses,
            clients: first.clients,
            uploads,
            availability: first.availability,
        }
    }
}

async fn run_backend(
    run: &Run<'_>,
    dir: &Path,
    pem: &str,
    bodies: Arc<Vec<Body>>,
) -> anyhow::Result<RunResult> {
    let backend = run.backend;
    eprintln!(
        "load: {backend}, {} businesses, {} clients",
        run.businesses, run.clients
    );
    let config = Config::from_toml(&config_text(run.database, pem, run.businesses), dir)
        .context("config")?;
    let storage = Storage::open(&config.database)
        .await
        .with_context(|| format!("open the {backend} database"))?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .context("bind a loopback port")?;
    let address = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(sealbook_server::serve(
        listener,
        AppState::new(config, storage.clone()),
        async move {
            let _ = stopped.await;
        },
    ));

    let day = |offset: i64| run.today.checked_add(jiff::Span::new().days(offset));
    let month_path = format!(
        "/api/v1/businesses/{BUSINESS}/availability?from={}&to={}&party=4",
        day(1)?,
        day(31)?
    );
    let day_path = format!(
        "/api/v1/businesses/{BUSINESS}/availability?from={0}&to={0}&party=4",
        day(2)?
    );

    let mut client = connect(address).await?;
    let (status, _) = send(&mut client, get("/readyz")).await?;
    ensure!(
        status == StatusCode::OK,
        "the server is not ready: {status}"
    );
    let empty = if run.availability {
        Some(queries(&mut client, &month_path, &day_path).await?)
    } else {
        None
    };

    let (wall, latencies, refused) = upload(address, bodies, run.clients).await?;
    if !refused.is_empty() {
        bail!("{backend}: bookings were not created: {refused:?}");
    }
    let availability = match empty {
        Some(empty) => Some(Availability {
            empty,
            loaded: queries(&mut client, &month_path, &day_path).await?,
        }),
        None => None,
    };
    drop(client);

    let _ = stop.send(());
    server
        .await
        .context("the server task")?
        .context("the server")?;
    storage.close().await;
    Ok(RunResult {
        backend,
        businesses: run.businesses,
        clients: run.clients,
        upload: Upload { wall, latencies },
        availability,
    })
}

/// `BOOKINGS` request bodies, as the widget builds them: the booking sealed to the
/// business key, the visitor copy (with the pins) sealed to a fresh manage secret,
/// the token hash, and an idempotency key. Booking `i` goes to business
/// `i % businesses`, whose `n = i / businesses`-th booking goes to day
/// `2 + n % 30` at the `n / 30`-th quarter hour, so that no slot is asked for twice.
fn sealed_bodies(
    recipient: &Recipient,
    today: jiff::civil::Date,
    businesses: usize,
) -> anyhow::Result<Vec<Body>> {
    ensure!(
        BOOKINGS <= BOOKED_DAYS * SLOTS_PER_DAY,
        "more bookings than slots"
    );
    let paris = jiff::tz::TimeZone::get(TIMEZONE)?;
    let iat = u64::try_from(jiff::Timestamp::now().as_second())?;
    let mut bodies = Vec::with_capacity(BOOKINGS);
    for index in 0..BOOKINGS {
        let business = business_id(index % businesses);
        let params = SealParams {
            business: &business,
            iat,
        };
        let nth = index / businesses;
        let offset = i64::try_from(2 + nth % BOOKED_DAYS)?;
        let quarter = i64::try_from(nth / BOOKED_DAYS)?;
        let start = today
            .checked_add(jiff::Span::new().days(offset))?
            .at(0, 0, 0, 0)
            .checked_add(jiff::Span::new().minutes(15 * quarter))?
            .to_zoned(paris.clone())?
            .timestamp()
            .to_string();
        let party = 1 + index % 4;
        let plaintext = json!({
            "v": 1, "kind": "restaurant", "name": format!("Load Test {index}"),
            "contact": { "phone": "+33 6 12 34 56 78" }, "party_size": party,
            "start": start, "lang": "fr",
        });
        let booking = seal(
            std::slice::from_ref(recipient),
            &params,
            plaintext.to_string().as_bytes(),
            &mut getrandom::SysRng,
        )
        .context("seal the booking")?;
        let mut visitor = plaintext;
        visitor["pins"] = json!([recipient.kid().as_str()]);
        let secret = ManageSecret::generate(&mut getrandom::SysRng).context("manage secret")?;
        let copy = seal_visitor_copy(
            &secret,
            &params,
            visitor.to_string().as_bytes(),
            &mut getrandom::SysRng,
        )
        .context("seal the visitor copy")?;
        let mut key = [0u8; 16];
        getrandom::fill(&mut key).context("randomness")?;
        let json = json!({
            "envelope": URL_SAFE_NO_PAD.encode(booking),
            "start": start,
            "party_size": party,
            "visitor_copy": URL_SAFE_NO_PAD.encode(copy),
            "manage_token_hash": secret.token().hash().to_base64url(),
        });
        bodies.push(Body {
            business,
            json: Bytes::from(json.to_string()),
            idempotency_key: URL_SAFE_NO_PAD.encode(key),
        });
    }
    Ok(bodies)
}

#[derive(Debug)]
struct Body {
    business: String,
    json: Bytes,
    idempotency_key: String,
}

type Outcome = (Duration, Result<StatusCode, String>);

/// POSTs every body with `clients` clients; returns the wall time, the
/// latencies of the created bookings, and every other outcome with its count.
async fn upload(
    address: SocketAddr,
    bodies: Arc<Vec<Body>>,
    clients: usize,
) -> anyhow::Result<(Duration, Vec<Duration>, BTreeMap<String, usize>)> {
    let total = bodies.len();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let bodies = Arc::clone(&bodies);
            let next = Arc::clone(&next);
            tokio::spawn(async move {
                let mut outcomes: Vec<Outcome> = Vec::new();
                let mut client = match connect(address).await {
                    Ok(client) => client,
                    Err(error) => {
                        outcomes.push((Duration::ZERO, Err(format!("connect: {error:#}"))));
                        return outcomes;
                    }
                };
                while started.elapsed() < UPLOAD_DEADLINE {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(body) = bodies.get(index) else { break };
                    let request = Request::builder()
                        .method(Method::POST)
                        .uri(format!("/api/v1/businesses/{}/bookings", body.business))
                        .header(header::HOST, "localhost")
                        .header(header::CONTENT_TYPE, "application/json")
                        .header("idempotency-key", &body.idempotency_key)
                        .body(Full::new(body.json.clone()));
                    let sent = Instant::now();
                    let result = match request {
                        Ok(request) => match send(&mut client, request).await {
                            Ok((status, _)) => Ok(status),
                            Err(error) => Err(format!("{error:#}")),
                        },
                        Err(error) => Err(error.to_string()),
                    };
                    let failed = result.is_err();
                    outcomes.push((sent.elapsed(), result));
                    if failed {
                        break;
                    }
                }
                outcomes
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(total);
    let mut others = BTreeMap::<String, usize>::new();
    for worker in workers {
        for (latency, result) in worker.await.context("an upload worker")? {
            match result {
                Ok(StatusCode::CREATED) => latencies.push(latency),
                Ok(status) => *others.entry(status.to_string()).or_default() += 1,
                Err(error) => *others.entry(error).or_default() += 1,
            }
        }
    }
    let wall = started.elapsed();
    let missing = total - latencies.len() - others.values().sum::<usize>();
    if missing > 0 {
        others.insert("not sent before the deadline".to_owned(), missing);
    }
    Ok((wall, latencies, others))
}

async fn queries(
    client: &mut SendRequest<Full<Bytes>>,
    month: &str,
    day: &str,
) -> anyhow::Result<Queries> {
    Ok(Queries {
        month: sequential(client, month).await?,
        day: sequential(client, day).await?,
    })
}

/// `ROUNDS` sequential GETs of `path` (after a short warm-up), each checked for 200.
async fn sequential(
    client: &mut SendRequest<Full<Bytes>>,
    path: &str,
) -> anyhow::Result<Vec<Duration>> {
    let mut samples = Vec::with_capacity(ROUNDS);
    for round in 0..WARM_UP + ROUNDS {
        let started = Instant::now();
        let (status, body) = send(client, get(path)).await?;
        let elapsed = started.elapsed();
        ensure!(
            status == StatusCode::OK,
            "{path}: {status} {}",
            String::from_utf8_lossy(&body)
        );
        if round >= WARM_UP {
            samples.push(elapsed);
        }
    }
    Ok(samples)
}

fn get(path: &str) -> Request<Full<Bytes>> {
    let mut request = Request::new(Full::new(Bytes::new()));
    if let Ok(uri) = path.parse() {
        *request.uri_mut() = uri;
    }
    request
        .headers_mut()
        .insert(header::HOST, header::HeaderValue::from_static("localhost"));
    request
}

/// One HTTP/1.1 keep-alive connection to the server.
async fn connect(address: SocketAddr) -> anyhow::Result<SendRequest<Full<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(address)
        .await
        .context("connect to the server")?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .context("HTTP handshake")?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

/// Sends one request and reads the whole response, within `REQUEST_TIMEOUT`.
async fn send(
    client: &mut SendRequest<Full<Bytes>>,
    request: Request<Full<Bytes>>,
) -> anyhow::Result<(StatusCode, Bytes)> {
    tokio::time::timeout(REQUEST_TIMEOUT, async {
        client.ready().await.context("connection closed")?;
        let response = client.send_request(request).await.context("request")?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .context("response body")?
            .to_bytes();
        Ok((status, body))
    })
    .await
    .context("request timed out")?
}

/// Nearest-rank percentile.
fn percentile(samples: &[Duration], percent: usize) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied().unwrap_or_default()
}

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

fn report(measured: &[Measured], postgres_over: Option<&str>) {
    let postgres = postgres_over
        .map(|over| format!(" The server reaches PostgreSQL over {over}."))
        .unwrap_or_default();
    println!(
        "Booking uploads: {BOOKINGS} sealed bookings (RSA-3072, visitor copy, idempotency key), \
         each client on its own keep-alive connection, over {BOOKED_DAYS} days of 15-minute slots; \
         {REPEATS} uploads of each, each into a fresh database. The columns from wall time on are \
         the upload of median throughput's; the range is of all {REPEATS}.{postgres}\n"
    );
    println!(
        "| backend | businesses | clients | wall time | throughput | range | p50 | p99 | non-201 |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for run in measured {
        let median = &run.uploads[run.uploads.len() / 2];
        let (slowest, fastest) = (&run.uploads[0], &run.uploads[run.uploads.len() - 1]);
        println!(
            "| {} | {} | {} | {:.2} s | {:.0} bookings/s | {:.0}–{:.0} | {} | {} | {} |",
            run.backend,
            run.businesses,
            run.clients,
            median.wall.as_secs_f64(),
            median.throughput(),
            slowest.throughput(),
            fastest.throughput(),
            ms(percentile(&median.latencies, 50)),
            ms(percentile(&median.latencies, 99)),
            BOOKINGS - median.latencies.len(),
        );
    }
    println!(
        "\nAvailability, restaurant, party 4: {ROUNDS} sequential GETs on one keep-alive \
         connection, empty database and then with the {BOOKINGS} bookings stored (the \
         first one-business upload with 16 clients).\n"
    );
    println!(
        "| backend | query | empty median | empty p99 | {BOOKINGS} stored median | {BOOKINGS} stored p99 | stored / empty (median) |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    for (run, Availability { empty, loaded }) in measured
        .iter()
        .filter_map(|run| Some((run, run.availability.as_ref()?)))
    {
        for (query, empty, loaded) in [
            ("31 days", &empty.month, &loaded.month),
            ("one day", &empty.day, &loaded.day),
        ] {
            let (empty_median, loaded_median) = (percentile(empty, 50), percentile(loaded, 50));
            println!(
                "| {} | {query} | {} | {} | {} | {} | {:.2}× |",
                run.backend,
                ms(empty_median),
                ms(percentile(empty, 99)),
                ms(loaded_median),
                ms(percentile(loaded, 99)),
                loaded_median.as_secs_f64() / empty_median.as_secs_f64().max(f64::MIN_POSITIVE),
            );
        }
    }
}
