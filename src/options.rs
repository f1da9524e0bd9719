//! The options `embed.js` passes to `mount()`, read from the script tag.

use js_sys::{Array, Reflect};
use sealbook_envelope::KeyId;
use wasm_bindgen::{JsCast, JsValue};

use sealbook_texts::Scope;
use sealbook_web::i18n::Lang;

/// What the host page configured, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The business id (`data-business`).
    pub business: String,
    /// The pinned key ids (`data-keys`); malformed entries are dropped.
    pub pins: Vec<KeyId>,
    /// The pinned courier key ids (`data-courier-keys`): a contact card is
    /// sealed only to these; none, and no card is sealed at all.
    pub courier_pins: Vec<KeyId>,
    /// The language the widget speaks.
    pub lang: Lang,
    /// The API origin without a trailing slash (empty: the page's own origin).
    pub api: String,
    /// Whose installed texts the form reads: each form mounted on a page has its
    /// own, so two businesses' own texts never mix (set by `mount`).
    pub texts: Scope,
}

impl Options {
    /// Reads `{business, keys: [..], lang, api}`.
    pub fn from_js(value: &JsValue) -> Result<Self, JsValue> {
        let business = string(value, "business")
            .filter(|b| !b.trim().is_empty())
            .ok_or_else(|| JsValue::from_str("sealbook: options.business is required"))?;
        let keys = Reflect::get(value, &JsValue::from_str("keys"))
            .ok()
            .and_then(|keys| keys.dyn_into::<Array>().ok())
            .ok_or_else(|| JsValue::from_str("sealbook: options.keys must be an array"))?;
        let pins = kids(&keys);
        let courier_pins = Reflect::get(value, &JsValue::from_str("courierKeys"))
            .ok()
            .and_then(|keys| keys.dyn_into::<Array>().ok())
            .map(|keys| kids(&keys))
            .unwrap_or_default();
        // embed.js has already chosen: `data-lang`, then `<html lang>`, then the browser's.
        let lang = Lang::from_code(string(value, "lang").as_deref());
        let api = string(value, "api").unwrap_or_default();
        let mut options = Self::new(business, pins, lang, &api);
        options.courier_pins = courier_pins;
        Ok(options)
    }

    /// Normalises the parts (trims the business id and the API origin's trailing slash).
    pub fn new(business: String, pins: Vec<KeyId>, lang: Lang, api: &str) -> Self {
        Self {
            business: business.trim().to_owned(),
            pins,
            courier_pins: Vec::new(),
            lang,
            api: api.trim().trim_end_matches('/').to_owned(),
            texts: sealbook_texts::PAGE,
        }
    }
}

/// The well-formed key ids of a JS array of strings.
fn kids(keys: &Array) -> Vec<KeyId> {
    keys.iter()
        .filter_map(|kid| kid.as_string())
        .filter_map(|kid| KeyId::parse(kid.trim()))
        .collect()
}

fn string(object: &JsValue, key: &str) -> Option<String> {
    Reflect::get(object, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_origin_loses_its_trailing_slash() {
        let options = Options::new(
            " bistro ".to_owned(),
            Vec::new(),
            Lang::En,
            "https://api.example/ ",
        );
        assert_eq!(options.api, "https://api.example");
        assert_eq!(options.business, "bistro");
    }
}
