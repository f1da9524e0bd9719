//! The inbox's own hooks, one module each (as Yew's `function_todomvc` example
//! keeps its hooks in `hooks/`).

mod use_calls;
mod use_free_slots;
mod use_profile;

pub use use_calls::{Calls, shown, unless_logged_out, use_calls};
pub use use_free_slots::use_free_slots;
pub use use_profile::use_profile;
