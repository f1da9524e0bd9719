//! The request and response bodies of `/api/v1` (docs/API.md).
//!
//! One module per area, named like the server's handler module that serves
//! it (`crates/server/src/api/…`). Requests refuse unknown fields; responses
//! read whatever a newer server adds. The type names are the schema names of
//! the OpenAPI document.

pub mod audit;
pub mod auth;
pub mod availability;
pub mod bookings;
pub mod consents;
pub mod error;
pub mod inbox;
pub mod inbox_keys;
pub mod keys;
pub mod manage;
pub mod notice;
pub mod profile;
pub mod snippet;
pub mod staff;
