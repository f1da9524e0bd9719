//! The business's public profile (what it offers, its fields, its time zone),
//! as the widget reads it, for the inbox's forms that book or block.

use sealbook_web::profile::Profile;
use sealbook_web::public_api::fetch_profile;
use yew::prelude::*;

use super::Calls;
use crate::i18n::{Lang, Text, t};
use crate::ui::focus;

/// The profile of `business`, loaded once when the view mounts: `None` until it
/// arrives. `on_loaded` sees it first (a form's defaults); a failure shows in
/// the view's error box. Once the form is drawn, the element `focus_id` takes
/// the focus (the app's came while the profile was loading).
#[hook]
pub fn use_profile(
    calls: &Calls,
    lang: Lang,
    business: &str,
    on_loaded: Callback<Profile>,
    focus_id: &'static str,
) -> UseStateHandle<Option<Profile>> {
    let profile = use_state(|| None::<Profile>);
    use_effect_with(profile.is_some(), move |drawn| {
        if *drawn {
            focus(focus_id);
        }
    });
    {
        let (calls, profile, business) = (calls.clone(), profile.clone(), business.to_owned());
        use_effect_with((), move |()| {
            calls.spawn(async move |calls| {
                match fetch_profile("", &business).await {
                    Ok(found) => {
                        on_loaded.emit(found.clone());
                        profile.set(Some(found));
                    }
                    Err(_) => calls.show(t(lang, Text::SomethingWrong)),
                }
                Ok(())
            });
        });
    }
    profile
}
