//! The opened visitor copy, kept as the object `JSON.parse` makes of it: shown
//! member by member, and re-sealed on a change with `start` replaced and every
//! other member exactly as the widget wrote it, including members this page
//! does not know (docs/ENVELOPE.md §7.3 and §8). The inbox reads what is
//! re-sealed with `sealbook_wire::plaintext::Booking`, strictly.

use js_sys::{JSON, Object, Reflect};
use sealbook_web::public_api::{member, string};
use wasm_bindgen::{JsCast, JsValue};

/// An opened visitor copy: a JSON object of version 1.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitorCopy(JsValue);

impl VisitorCopy {
    /// Reads an opened plaintext: a JSON object whose `v`, if present, is 1.
    pub fn parse(plaintext: &[u8]) -> Option<Self> {
        let value = JSON::parse(std::str::from_utf8(plaintext).ok()?).ok()?;
        if !value.is_object() || js_sys::Array::is_array(&value) {
            return None;
        }
        match member(&value, "v").map(|v| v.as_f64()) {
            None | Some(Some(1.0)) => Some(Self(value)),
            Some(_) => None,
        }
    }

    /// A string member (`name`, `note`, `reason`, `lang`…).
    pub fn text(&self, key: &str) -> Option<String> {
        string(&self.0, key).filter(|text| !text.is_empty())
    }

    /// A member of `contact` (`phone`, `email`).
    pub fn contact(&self, key: &str) -> Option<String> {
        string(&member(&self.0, "contact")?, key).filter(|text| !text.is_empty())
    }

    /// The kids the widget checked the business's keys against.
    pub fn pins(&self) -> Vec<String> {
        member(&self.0, "pins")
            .map(|pins| {
                js_sys::Array::from(&pins)
                    .iter()
                    .filter_map(|pin| pin.as_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The same copy at another start.
    pub fn with_start(&self, start: &str) -> Option<Self> {
        let copy = JSON::parse(&String::from(JSON::stringify(&self.0).ok()?)).ok()?;
        Reflect::set(&copy, &"start".into(), &start.into()).ok()?;
        Some(Self(copy))
    }

    /// What is sealed again: the booking for the business (the copy without
    /// its pins) and the visitor copy itself.
    pub fn plaintexts(&self) -> Option<(Vec<u8>, Vec<u8>)> {
        let visitor = String::from(JSON::stringify(&self.0).ok()?);
        let booking = JSON::parse(&visitor).ok()?;
        Reflect::delete_property(booking.unchecked_ref::<Object>(), &"pins".into()).ok()?;
        let booking = String::from(JSON::stringify(&booking).ok()?);
        Some((booking.into_bytes(), visitor.into_bytes()))
    }
}
