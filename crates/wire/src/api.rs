//! The request and response bodies of `/api/v1` (docs/API.md).
//!
//! One module per area, named like the server's handler module that serves
//! it (`crates/server/src/api/…`) where there is one. The type names are the schema names of the
//! OpenAPI document. Requests refuse unknown fields, and so do the shapes a
//! business configures and the profile serves as they are (form fields, the
//! consent notice); other answers read whatever a newer server adds.

pub mod audit;
pub mod auth;
pub mod availability;
pub mod bookings;
pub mod consent_stats;
pub mod consents;
pub mod courier;
pub mod error;
pub mod inbox;
pub mod inbox_keys;
pub mod keys;
pub mod localized;
pub mod manage;
pub mod notice;
pub mod notices;
pub mod profile;
pub mod schedule;
pub mod snippet;
pub mod staff;
pub mod texts;
