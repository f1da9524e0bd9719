//! Staff authentication for the inbox: passwords, the TOTP second factor,
//! sessions with their CSRF rule, and the shape check of wrapped keys.

pub mod password;
pub(crate) mod session;
pub mod totp;
pub mod totp_seal;
pub mod wrapped;
