//! The widget's view. `App` owns the reducer and the delegated listeners; each
//! step is a plain function of a [`Ctx`] that returns a few chunks of markup.

mod app;
mod calendar;
mod controls;
mod details;
mod labels;
mod markup;
mod steps;

pub use app::{App, AppProps};

use yew::prelude::*;

use crate::state::{FlowState, Stage};
use markup::Out;
use sealbook_web::error::Failure;
use sealbook_web::i18n::Lang;
use sealbook_web::profile::Profile;
use sealbook_web::visitor_texts::{Text, t};

/// What every step's view needs.
pub struct Ctx<'a> {
    pub lang: Lang,
    pub state: &'a FlowState,
    pub profile: &'a Profile,
}

impl Ctx<'_> {
    pub fn t(&self, key: Text) -> &'static str {
        t(self.lang, key)
    }

    pub fn busy(&self) -> bool {
        self.state.stage != Stage::Idle
    }

    /// The row of "Back" and the step's primary button (`(id, act, text)`).
    pub fn nav(&self, out: &mut Out, primary: Option<(&str, &str, Text)>) {
        out.raw("<div class=\"sb-nav\">");
        out.button(
            "sb-back",
            "sb-secondary",
            "back",
            self.t(Text::Back),
            self.busy(),
        );
        if let Some((id, act, text)) = primary {
            out.button(id, "sb-submit", act, self.t(text), self.busy());
        }
        out.raw("</div>");
    }
}

/// Why a request failed, announced; focused by the app when it appears.
pub fn failure_notice(out: &mut Out, lang: Lang, failure: &Failure) {
    out.raw("<div class=\"sb-error\" id=\"sb-error\" role=\"alert\" tabindex=\"-1\" data-code=\"")
        .text(failure.code())
        .raw("\">");
    match failure {
        Failure::Known(code) => out.raw(t(lang, code.text())),
        Failure::Other { .. } => out.raw(t(lang, Text::ErrOther)),
    };
    out.raw("</div>");
}

/// A chunk with nothing in it (keeps the positions of the chunks after it).
pub fn nothing() -> Html {
    Html::default()
}
