//! `sqlx::migrate!` embeds the migration folders at compile time, but stable
//! Rust cannot tell Cargo which files a macro read: without this, a new
//! migration is missed until something else in the crate changes.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
