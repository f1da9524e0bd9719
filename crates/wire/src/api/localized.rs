//! Text a business writes once per visitor language: names, purposes, notices.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The languages the widget, the manage page and the consent notice speak
/// (`sealbook_texts::Lang`; a test of the server holds the two lists together).
pub const VISITOR_LANGUAGES: [&str; 8] = ["fr", "de", "en", "es", "it", "nl", "pt", "pl"];

/// A text in the visitor's languages (`fr`, `de`, `en`, …).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(transparent)]
pub struct Localized(pub BTreeMap<String, String>);
