//! What the three browser apps share — the visitor's booking widget (the root
//! crate), the visitor's manage page (`crates/manage`) and the staff inbox
//! (`crates/inbox`): civil dates and the browser's clock, the one `fetch`, the
//! public API with its typed errors, the languages and the `texts!` table macro,
//! the strings visitors read, the business profile, the booking as an .ics
//! file, and the key check and sealing that the widget and the manage page
//! both do.
//!
//! Nothing here opens a booking: the envelope crate's `open` feature is not
//! enabled. The widget's size budget applies to whatever it links from here, so
//! this crate keeps the widget's habits: no serde, no date crate, and every
//! function `#[inline]`. The attribute lets rustc compile these functions with
//! the widget's own code, as when they lived in the widget crate: without it
//! the crate boundary alone cost the widget about 450 B brotli (measured), for
//! the same source.

pub mod calendar;
pub mod clock;
pub mod error;
pub mod fetch;
pub mod i18n;
pub mod ics;
pub mod profile;
pub mod public_api;
pub mod seal;
pub mod visitor_texts;
pub mod webcrypto;
