//! Every shape that crosses a boundary in Sealbook, defined once.
//!
//! - [`api`]: the request and response bodies of `/api/v1`, used by the
//!   server's handlers and by the staff inbox and the manage page. With the
//!   `openapi` feature each type also derives its utoipa schema, so the
//!   server's OpenAPI document is generated from these definitions.
//! - [`plaintext`]: the JSON sealed inside a booking envelope (docs/ENVELOPE.md,
//!   "Booking plaintext"), read by the inbox, the manage page, the exports and
//!   the CLI.
//! - [`contact_card`]: the JSON sealed inside a contact card (docs/ENVELOPE.md
//!   §8.1), written by the widget and read by the courier.
//!
//! Serde only, no I/O: this crate builds for wasm32 and native alike.

pub mod api;
pub mod contact_card;
pub mod plaintext;
