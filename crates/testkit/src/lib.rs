//! What the server's tests, the CLI's tests and the fuzz targets share, so that
//! each builds the same businesses the same way: the keys of the test vectors,
//! the test businesses of a `sealbook.toml` ([`Business::bistro_du_coin`],
//! [`Business::praxis_am_see`], [`Business::bistro`]), server processes that
//! stop with the test that started them ([`KillOnDrop`]), a real SMTP server
//! on loopback ([`smtp_server`]) and a wait that keeps a test off the turn of
//! the week ([`wait_clear_of_the_week_turn`]).
//!
//! A test changes only what it is about (`.set("covers", 10_000)`, a
//! `[consent]` table, a `[limits]` value) and says so where it builds its
//! configuration.

mod clock;
mod config;
mod mail;
mod process;
mod vectors;

pub use clock::wait_clear_of_the_week_turn;
pub use config::{Business, ServerConfig, around_the_clock};
pub use mail::{mail_body, smtp_python, smtp_server};
pub use process::KillOnDrop;
pub use vectors::{
    CONTACT_CARD_VECTORS, VECTORS, contact_card_vector, courier_key, vector, vector_key,
    vector_key_with_status, vector_public_key,
};
