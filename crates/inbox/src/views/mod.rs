//! One module per screen.

pub mod audit;
pub mod block;
pub mod choose;
mod clinic_schedule;
pub mod consent_stats;
pub mod counts;
mod courier;
pub mod detail;
pub mod invite;
pub mod list;
pub mod login;
pub mod move_booking;
pub mod new_booking;
pub mod schedule;
mod schedule_form;
pub mod settings;
pub mod snippet;
pub mod staff;
pub mod unlock;
