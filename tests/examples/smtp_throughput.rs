//! Messages per second to SMTP servers on loopback, for `docs/BENCHMARKS.md`: the parallel
//! TCP_NODELAY sender against lettre's default single connection, to aiosmtpd and to the Rust sink.
//!
//! `cargo run --release -p guichet-tests --example smtp_throughput [MESSAGES]`

use std::time::Instant;

use guichet_bench::send_with_lettre_default;
use guichet_core::delivery::transport::{Outgoing, SmtpSender};
use guichet_core::mail::message::{DEFAULT_FROM, formatted, reset_email};
use guichet_core::mail::smtp_url::SmtpConfig;
use guichet_tests::smtp::{Aiosmtpd, Sink};

const LINK: &str =
    "https://auth.siec.education.fr/reset-password/reset/VmuBQ7epOgsaacQ5tanduNV61YtdvHZL77M7Yt1H";

fn messages(count: usize) -> Vec<Outgoing> {
    (0..count)
        .map(|n| {
            let to = format!("ce.{n:07}x@ac-lyon.fr");
            Outgoing {
                envelope_from: "ne-pas-repondre@siec.education.fr".into(),
                bytes: formatted(&reset_email(DEFAULT_FROM, &to, LINK, 3_600).expect("message")),
                recipient: to,
            }
        })
        .collect()
}

async fn parallel(url: &str, concurrency: usize, batch: Vec<Outgoing>) -> f64 {
    let mut config = SmtpConfig::parse(url).expect("URL");
    config.concurrency = concurrency;
    let sender = SmtpSender::new(config, None).expect("sender");
    let count = batch.len();
    let start = Instant::now();
    let results = sender.send_many(batch).await;
    let rate = count as f64 / start.elapsed().as_secs_f64();
    assert!(results.iter().all(Result::is_ok));
    sender.close().await;
    rate
}

async fn lettre_default(url: &str, batch: &[Outgoing]) -> f64 {
    let config = SmtpConfig::parse(url).expect("URL");
    let start = Instant::now();
    send_with_lettre_default(&config, None, batch)
        .await
        .expect("sent");
    batch.len() as f64 / start.elapsed().as_secs_f64()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .map_or(5_000, |n| n.parse().expect("a number of messages"));
    let baseline = count.min(200);
    let aiosmtpd = Aiosmtpd::start();
    let sink = Sink::start().await;
    for (server, url) in [("aiosmtpd", aiosmtpd.url()), ("Rust sink", sink.url())] {
        let rate = lettre_default(&url, &messages(baseline)).await;
        println!(
            "{server:9}  lettre default, 1 connection, {baseline:6} messages: {rate:8.0} msg/s"
        );
        for concurrency in [1, 4, 8] {
            let rate = parallel(&url, concurrency, messages(count)).await;
            println!(
                "{server:9}  nodelay, {concurrency} connection(s),    {count:6} messages: {rate:8.0} msg/s"
            );
        }
    }
}
