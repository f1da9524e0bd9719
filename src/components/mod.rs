//! The widget's components, one per file.

mod app;
mod booking_form;
mod confirmation;
mod contact_kind_select;
mod failure_notice;
mod progress;
mod text_field;

pub use app::{App, AppProps};
