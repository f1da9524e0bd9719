//! The Sealbook booking widget.
//!
//! `www/embed.js` attaches an open shadow root to a `<sealbook-widget>` element on
//! the host page and calls [`mount`]. The Yew app renders the booking form there,
//! checks the business's served keys against the pins from the script tag, seals
//! the booking in the browser (DESIGN §3–§4) and uploads only the envelope and the
//! metadata needed to hold the slot. The widget cannot open what it seals: the
//! envelope crate's `open` feature is not enabled here. What it shares with the
//! manage page and the staff inbox (dates, fetch, the public API, the visitors'
//! strings, the key check and sealing) is in `sealbook-web`.

mod api;
mod components;
mod form;
mod options;
mod state;
mod submit;

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::components::{App, AppProps};

/// The browser build's allocator: smaller than the default dlmalloc (size budget).
#[cfg(all(target_family = "wasm", target_os = "unknown"))]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());
use crate::options::Options;

/// Renders the widget into `root`, a shadow root that `embed.js` attached.
///
/// `options` is `{business, keys: [kid, …], lang, api}` read from the script tag.
#[wasm_bindgen]
pub fn mount(root: web_sys::ShadowRoot, options: JsValue) -> Result<(), JsValue> {
    thread_local! {
        /// The forms mounted so far on this page.
        static MOUNTED: std::cell::Cell<sealbook_texts::Scope> = const { std::cell::Cell::new(0) };
    }
    let mut options = Options::from_js(&options)?;
    options.texts = MOUNTED.with(|mounted| {
        mounted.set(mounted.get() + 1);
        mounted.get()
    });
    let document = root
        .host()
        .owner_document()
        .ok_or_else(|| JsValue::from_str("sealbook: the host element has no document"))?;
    let container = document.create_element("div")?;
    container.set_class_name("sb-root");
    container.set_attribute("lang", options.lang.code())?;
    root.append_child(&container)?;
    let props = AppProps {
        options: Rc::new(options),
    };
    yew::Renderer::<App>::with_root_and_props(container, props).render();
    Ok(())
}
