//! The visitor's manage page, served at `/manage/{id}` (DESIGN §3 step 6).
//!
//! The booking id comes from the path and the manage secret from the URL
//! fragment, which the browser never sends. The page derives the token from the
//! secret, fetches the booking, opens the visitor copy here in the browser, and
//! lets the visitor download it as .ics, move it to another time (re-sealed
//! here), cancel it or erase it. It shares the public API, the visitors' strings,
//! date formatting and sealing with the widget through `sealbook-web`.
//! The same page answers a message's cancel link, `/manage/cancel#{cancel
//! token}`, which can cancel the booking and do nothing else.
//! The envelope's `open` feature is not enabled: this page cannot open bookings,
//! only the visitor copy that its own secret unlocks.

mod answer;
mod cancel_link;
mod change;
mod copy;
mod i18n;
mod link;
mod net;
mod view;

use wasm_bindgen::prelude::*;

/// The browser build's allocator: smaller than the default dlmalloc, as in the widget.
#[cfg(all(target_family = "wasm", target_os = "unknown"))]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// Trunk's loader calls this once the wasm is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
    {
        let path = web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .unwrap_or_default();
        if path == cancel_link::PATH {
            yew::Renderer::<cancel_link::CancelLink>::with_root(root).render();
        } else {
            yew::Renderer::<view::App>::with_root(root).render();
        }
    }
}
