//! The staff inbox, served at `/inbox/` (DESIGN §3 step 7, §5).
//!
//! Staff log in, unlock their copy of the business key on this device with their
//! key passphrase, and read bookings that are opened here: the server that
//! serves this page never sees a passphrase, a private key or a plaintext
//! booking. This is the only browser code that opens booking envelopes (the
//! envelope crate's `open` feature); the visitor-facing widget cannot.

mod api;
mod app;
mod booking;
mod device;
mod hooks;
mod i18n;
mod keyring;
mod range;
mod slots;
mod timing;
mod ui;
mod unwrap_workers;
mod views;

use wasm_bindgen::prelude::*;

/// Trunk's loader calls this once the wasm is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
    {
        yew::Renderer::<app::App>::with_root(root).render();
    }
}
