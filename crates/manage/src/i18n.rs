//! The manage page's own strings: the `manage` section of `i18n/<lang>.json`.
//! Labels the booking widget already has (name, party size, …) come from the
//! `visitor` section (`sealbook_web::visitor_texts`). English is compiled in; the
//! shown language is installed from the server ([`install`]).

pub use sealbook_texts::manage::Text;
pub use sealbook_web::i18n::Lang;

use futures_util::future::join;
use sealbook_texts::{PAGE, Section};
use sealbook_web::public_api::{install_texts, texts_url};

/// The text for `key` in `lang` (English until `lang` is installed).
#[inline]
pub fn t(lang: Lang, key: Text) -> &'static str {
    sealbook_texts::t(lang, key)
}

/// Installs the page's texts in `lang` (its own and the widget's words), both at
/// once: the business's when it is known (with its own texts), else the
/// translation file's. A failure leaves that part in English.
pub(crate) async fn install(api: &str, business: Option<&str>, lang: Lang) {
    let (manage, visitor) = (
        texts_url(api, business, lang, Section::Manage),
        texts_url(api, business, lang, Section::Visitor),
    );
    let _ = join(
        install_texts(&manage, lang, Section::Manage, PAGE),
        install_texts(&visitor, lang, Section::Visitor, PAGE),
    )
    .await;
}
