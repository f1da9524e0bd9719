//! How a view calls the staff API: in the background, with the view's client,
//! and every failure dealt with the same way — a session that has ended takes
//! the app back to the login, any other failure is shown in the view's error box.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::i18n::Lang;
use crate::ui::api_error_text;

/// What a failed request shows: nothing once the session has ended (the app is
/// told, and goes back to the login), else its text.
pub fn shown(
    lang: Lang,
    failure: ApiError,
    on_logged_out: &Callback<ApiError>,
) -> Option<AttrValue> {
    if failure.is_logged_out() {
        on_logged_out.emit(failure);
        return None;
    }
    Some(api_error_text(lang, &failure).into())
}

/// A failure that a view shows its own way (in place of what it was loading),
/// unless the session has ended: then `Err`, so that `?` hands it to
/// [`Calls::spawn`], which goes back to the login.
pub fn unless_logged_out(failure: ApiError) -> Result<ApiError, ApiError> {
    if failure.is_logged_out() {
        Err(failure)
    } else {
        Ok(failure)
    }
}

/// A view's requests and its error box.
#[derive(Clone, Debug)]
pub struct Calls {
    api: Api,
    lang: Lang,
    error: UseStateHandle<Option<AttrValue>>,
    on_logged_out: Callback<ApiError>,
}

impl Calls {
    /// The view's API client.
    pub fn api(&self) -> &Api {
        &self.api
    }

    /// What the error box says, if anything.
    pub fn error(&self) -> Option<AttrValue> {
        (*self.error).clone()
    }

    /// Shows `text` in the error box.
    pub fn show(&self, text: impl Into<AttrValue>) {
        self.error.set(Some(text.into()));
    }

    /// Empties the error box.
    pub fn clear(&self) {
        self.error.set(None);
    }

    /// Back to the login if the session has ended, else the failure's text in
    /// the error box.
    pub fn fail(&self, failure: ApiError) {
        if let Some(text) = shown(self.lang, failure, &self.on_logged_out) {
            self.error.set(Some(text));
        }
    }

    /// Runs `work` in the background; a failure it returns (with `?`) goes to
    /// [`Calls::fail`].
    pub fn spawn(&self, work: impl AsyncFnOnce(&Self) -> Result<(), ApiError> + 'static) {
        let calls = self.clone();
        spawn_local(async move {
            if let Err(failure) = work(&calls).await {
                calls.fail(failure);
            }
        });
    }
}

/// The requests of a view that calls `api` in `lang`; `on_logged_out` takes the
/// app back to the login.
#[hook]
pub fn use_calls(api: &Api, lang: Lang, on_logged_out: &Callback<ApiError>) -> Calls {
    let error = use_state(|| None::<AttrValue>);
    Calls {
        api: api.clone(),
        lang,
        error,
        on_logged_out: on_logged_out.clone(),
    }
}
