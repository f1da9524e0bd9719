//! Median seal and open times for one booking, natively (`cargo xtask bench`).
//! Timings vary between runs and machines; compare ratios within one run.

// The report on stdout is this program's whole output (`cargo xtask bench` keeps it).
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use sealbook_envelope::{Identity, Recipient, SealParams, open, seal};

const VECTORS: &str = include_str!("../../../tests/vectors/v1.json");
const ROUNDS: usize = 101;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let vectors: serde_json::Value = serde_json::from_str(VECTORS).expect("vectors parse");
    let mut report = String::new();
    for vector in vectors.as_array().expect("an array") {
        if !vector["extra_recipients"].is_null() {
            continue;
        }
        let recipient =
            Recipient::from_spki_pem(vector["public_key_pem"].as_str().expect("pem")).expect("key");
        let identity = Identity::from_pkcs8_pem(vector["private_key_pem"].as_str().expect("pem"))
            .expect("key");
        let plaintext = vector["plaintext"].as_str().expect("plaintext").as_bytes();
        let params = SealParams {
            business: "bench",
            iat: 0,
        };
        let mut envelope = Vec::new();
        let seal_times: Vec<Duration> = (0..ROUNDS)
            .map(|_| {
                let start = Instant::now();
                envelope = seal(
                    std::slice::from_ref(&recipient),
                    &params,
                    plaintext,
                    &mut getrandom::SysRng,
                )
                .expect("seal");
                start.elapsed()
            })
            .collect();
        let open_times: Vec<Duration> = (0..ROUNDS)
            .map(|_| {
                let start = Instant::now();
                open(std::slice::from_ref(&identity), &envelope).expect("open");
                start.elapsed()
            })
            .collect();
        let (seal_median, open_median) = (median(seal_times), median(open_times));
        report.push_str(&format!(
            "{:<24} seal median {:>8.3} ms   open median {:>8.3} ms   open/seal {:>5.1}x\n",
            vector["name"].as_str().unwrap_or("?"),
            seal_median.as_secs_f64() * 1e3,
            open_median.as_secs_f64() * 1e3,
            open_median.as_secs_f64() / seal_median.as_secs_f64(),
        ));
    }
    print!("{report}");
}
