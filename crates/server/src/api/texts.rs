//! `GET /businesses/{id}/texts/{lang}/{section}`: one section of the visitor
//! texts in one language, the translation file's with the business's own laid
//! over them; `GET /texts/{lang}/{section}`: the translation file's alone. The banner, the widget and the manage page compile in English
//! only and fetch the one language they show. `messages` is not served (the
//! courier has every language compiled in and gets the business's own
//! messages with its jobs, `CourierBusiness::texts`), nor `loader` (built
//! into `embed.js`).

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use sealbook_texts::{Lang, Section};
use sealbook_wire::api::error::ErrorBody;
use sealbook_wire::api::texts::{SectionTexts, Texts};
use sha2::{Digest, Sha256};

use crate::delivery::{Encoding, matches_none_match};
use crate::extract::PathParams;
use crate::texts::served;
use crate::{AppError, AppState};

/// Long enough that a visitor's pages share one fetch, short enough that a
/// changed text reaches them within minutes (the loader's lifetime too).
const MAX_AGE: &str = "public, max-age=300";

#[utoipa::path(
    get,
    path = "/api/v1/businesses/{business}/texts/{lang}/{section}",
    tag = "widget",
    params(
        ("business" = String, Path, description = "The business id"),
        ("lang" = String, Path, description = "A language code", pattern = "^(en|fr|de|es|it|nl|pt|pl)$"),
        ("section" = String, Path, description = "`banner`, `visitor` or `manage`", pattern = "^(banner|visitor|manage)$"),
    ),
    responses(
        (status = 200, description = "The section's texts: `texts` is a list in slot order (`visitor`, `manage`) or an object by name (`banner`)", body = SectionTexts,
            headers(
                ("ETag" = String, description = "A strong tag of this body"),
                ("Cache-Control" = String, description = "`public, max-age=300`"),
            )),
        (status = 304, description = "`If-None-Match` names the current body",
            headers(
                ("ETag" = String, description = "A strong tag of the body"),
                ("Cache-Control" = String, description = "`public, max-age=300`"),
            )),
        (status = 404, description = "`unknown_business`, or `not_found` for a language or section not served", body = ErrorBody),
    ),
)]
pub(crate) async fn texts(
    State(state): State<AppState>,
    PathParams((id, code, name)): PathParams<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let business = super::business(&state, &id)?;
    let (lang, section) = wanted(&code, &name)?;
    let table = business.texts.table(section, lang);
    answer(section, table, &headers)
}

/// The manage page's texts before it knows whose booking its link opens (and
/// when the link opens nothing).
#[utoipa::path(
    get,
    path = "/api/v1/texts/{lang}/{section}",
    tag = "widget",
    params(
        ("lang" = String, Path, description = "A language code", pattern = "^(en|fr|de|es|it|nl|pt|pl)$"),
        ("section" = String, Path, description = "`banner`, `visitor` or `manage`", pattern = "^(banner|visitor|manage)$"),
    ),
    responses(
        (status = 200, description = "The translation file's texts of the section, as the business's route answers them without a business's own", body = SectionTexts,
            headers(
                ("ETag" = String, description = "A strong tag of this body"),
                ("Cache-Control" = String, description = "`public, max-age=300`"),
            )),
        (status = 304, description = "`If-None-Match` names the current body",
            headers(
                ("ETag" = String, description = "A strong tag of the body"),
                ("Cache-Control" = String, description = "`public, max-age=300`"),
            )),
        (status = 404, description = "`not_found` for a language or section not served", body = ErrorBody),
    ),
)]
pub(crate) async fn translation(
    PathParams((code, name)): PathParams<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (lang, section) = wanted(&code, &name)?;
    let table = section
        .table(lang)
        .iter()
        .map(|text| (*text).to_owned())
        .collect();
    answer(section, table, &headers)
}

/// The language and section a URL names, if they are served.
fn wanted(code: &str, name: &str) -> Result<(Lang, Section), AppError> {
    let lang = Lang::from_exact_code(code).ok_or(AppError::NotFound)?;
    let section = Section::from_name(name)
        .filter(|section| served(*section))
        .ok_or(AppError::NotFound)?;
    Ok((lang, section))
}

/// `table` as the routes serve it, with its validators.
fn answer(section: Section, table: Vec<String>, headers: &HeaderMap) -> Result<Response, AppError> {
    let texts = if section == Section::Banner {
        // Read by name in JavaScript.
        Texts::Named(
            section
                .names()
                .iter()
                .map(|name| (*name).to_owned())
                .zip(table)
                .collect(),
        )
    } else {
        Texts::Slots(table)
    };
    let body = serde_json::to_vec(&SectionTexts {
        shape: format!("{:016x}", section.shape()),
        texts,
    })
    .map_err(|error| AppError::Internal(Box::new(error)))?;
    // A visitor in another language downloads this before the banner or the
    // form can show: brotli takes it to about a third.
    let hash: String = Sha256::digest(&body)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let encoding = Encoding::choose(headers, true, false);
    let response = Response::builder()
        .header(header::ETAG, encoding.etag(&hash))
        .header(header::CACHE_CONTROL, MAX_AGE)
        .header(header::VARY, "accept-encoding");
    let built = if matches_none_match(headers, &hash) {
        response
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
    } else if encoding == Encoding::Brotli {
        response
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CONTENT_ENCODING, "br")
            .body(Body::from(brotli_compressed(&body)))
    } else {
        response
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
    };
    built.map_err(|error| AppError::Internal(Box::new(error)))
}

/// `body` in brotli at quality 9: a few kilobytes take well under a
/// millisecond there, where quality 11 would take several.
fn brotli_compressed(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() / 2);
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        ..Default::default()
    };
    // Writing into a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut &body[..], &mut out, &params);
    out
}
