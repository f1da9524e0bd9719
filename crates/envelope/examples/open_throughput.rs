//! Bookings opened per second on all cores, natively and in pure Rust, against
//! OpenSSL's RSA-3072 private-key operations per second on the same cores, in one
//! run (DESIGN §10: the CLI must reach 0.9× OpenSSL). Needs `openssl` on PATH:
//!
//! `cargo run --release -p sealbook-envelope --example open_throughput [SECONDS [ROUNDS]]`
//!
//! Each round runs the three measurements one after the other for SECONDS
//! (default 5); the report gives every round and the median of ROUNDS (default
//! 3). Interleaving keeps a burst of other work on a shared machine from
//! landing on one side of the comparison only.

// The report on stdout is this program's whole output (`cargo xtask bench` keeps it).
#![allow(clippy::print_stdout)]

use std::process::Command;
use std::time::{Duration, Instant};

use sealbook_envelope::{Identity, Recipient, SealParams, open, seal};

const VECTORS: &str = include_str!("../../../tests/vectors/v1.json");

/// Opens `envelope` on `threads` threads until `seconds` have passed; opens per second.
fn opens_per_second(identity: &Identity, envelope: &[u8], threads: usize, seconds: u64) -> f64 {
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let opened: u64 = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut count = 0u64;
                    while Instant::now() < deadline {
                        open(std::slice::from_ref(identity), envelope).expect("open");
                        count += 1;
                    }
                    count
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("worker"))
            .sum()
    });
    opened as f64 / start.elapsed().as_secs_f64()
}

/// `openssl speed -multi N -seconds S rsa3072`: the private-key (sign) operations
/// per second of all N processes, from the summary line
/// `rsa 3072 bits 0.000904s 0.000018s   1106.0  56388.0`.
fn openssl_rsa3072_private_per_second(threads: usize, seconds: u64) -> f64 {
    let output = Command::new("openssl")
        .args(["speed", "-multi", &threads.to_string()])
        .args(["-seconds", &seconds.to_string(), "rsa3072"])
        .output()
        .expect("openssl runs");
    assert!(output.status.success(), "openssl speed failed");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find(|line| line.starts_with("rsa 3072 bits"))
        .unwrap_or_else(|| panic!("no RSA-3072 line in openssl's output:\n{stdout}"));
    let fields: Vec<&str> = line.split_whitespace().collect();
    fields
        .get(5)
        .and_then(|sign| sign.parse().ok())
        .unwrap_or_else(|| panic!("cannot read sign/s from {line:?}"))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().map_or(5, |arg| arg.parse().expect("seconds"));
    let rounds: usize = args.next().map_or(3, |arg| arg.parse().expect("rounds"));
    assert!(rounds > 0, "at least one round");
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let vectors: serde_json::Value = serde_json::from_str(VECTORS).expect("vectors parse");
    let vector = vectors
        .as_array()
        .expect("an array")
        .iter()
        .find(|vector| vector["name"] == "restaurant-3072")
        .expect("the RSA-3072 vector");
    let recipient =
        Recipient::from_spki_pem(vector["public_key_pem"].as_str().expect("pem")).expect("key");
    let pem = vector["private_key_pem"].as_str().expect("pem");
    let native = Identity::from_pkcs8_pem(pem).expect("key");
    assert!(
        native.opens_natively(),
        "build with the feature native-open"
    );
    let pure_rust = Identity::from_pkcs8_pem(pem).expect("key").pure_rust();
    let params = SealParams {
        business: "bench",
        iat: 0,
    };
    let plaintext = vector["plaintext"].as_str().expect("plaintext").as_bytes();
    let envelope = seal(
        std::slice::from_ref(&recipient),
        &params,
        plaintext,
        &mut getrandom::SysRng,
    )
    .expect("seal");

    let mut report = format!(
        "{threads} cores, {seconds} s per measurement, RSA-3072 ({name}), opens or private ops per second\n\
         round      OpenSSL     native  pure Rust\n",
        name = vector["name"].as_str().unwrap_or("?"),
    );
    let (mut openssl, mut native_rate, mut pure_rust_rate) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=rounds {
        openssl.push(openssl_rsa3072_private_per_second(threads, seconds));
        native_rate.push(opens_per_second(&native, &envelope, threads, seconds));
        pure_rust_rate.push(opens_per_second(&pure_rust, &envelope, threads, seconds));
        report.push_str(&format!(
            "{round:>5} {:>12.1} {:>10.1} {:>10.1}\n",
            openssl[round - 1],
            native_rate[round - 1],
            pure_rust_rate[round - 1],
        ));
    }
    let (openssl, native_rate, pure_rust_rate) =
        (median(openssl), median(native_rate), median(pure_rust_rate));
    report.push_str(&format!(
        "median {openssl:>11.1} {native_rate:>10.1} {pure_rust_rate:>10.1}\n\
         native / OpenSSL    {:.2}x   (DESIGN §10: at least 0.90x)\n\
         pure Rust / OpenSSL {:.2}x\n",
        native_rate / openssl,
        pure_rust_rate / openssl,
    ));
    print!("{report}");
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}
