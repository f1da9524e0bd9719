//! `GET /api/v1/businesses/{business}/texts/{lang}/{section}`, in-process
//! against a real database: each language's table with the business's own
//! texts laid over it, by slot for the widget and the manage page, by name for
//! the banner; revalidated by ETag; and the profile naming the languages in
//! which the business has own texts.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt as _;
use sealbook_server::{AppState, Config, Storage, app};
use sealbook_testkit::{Business, ServerConfig};
use sealbook_texts::{Lang, Section};
use serde_json::{Value, json};
use tower::ServiceExt as _;

mod support;
use support::TestDatabase;

const BISTRO: &str = "bistro-du-coin";

async fn state(database: &TestDatabase) -> AppState {
    let config = ServerConfig::new(&database.url)
        .business(Business::bistro_du_coin().extend(
            r#"
            allowed_origins = ["http://host.test"]
            [texts.es.visitor]
            Heading = "Reserve su mesa"
            People = { one = "{n} comensal", other = "{n} comensales" }
            [texts.en.banner]
            title = "Cookies at Chez Nous"
            [texts.fr.messages]
            Hello = "Bonjour et merci,"
            "#,
        ))
        .business(Business::praxis_am_see())
        .toml();
    let config = Config::from_toml(&config, database.dir()).expect("config");
    let storage = Storage::open(&config.database).await.expect("storage");
    AppState::new(config, storage)
}

async fn call(state: &AppState, request: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let response = app(state.clone())
        .oneshot(request)
        .await
        .expect("infallible");
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes().to_vec();
    (parts.status, parts.headers, bytes)
}

/// The texts of `section` in `lang` (as the URL names them), with the headers.
async fn texts(state: &AppState, lang: &str, section: &str) -> (StatusCode, HeaderMap, Value) {
    let (status, headers, body) = call(
        state,
        Request::get(format!(
            "/api/v1/businesses/{BISTRO}/texts/{lang}/{section}"
        ))
        .body(Body::empty())
        .expect("request"),
    )
    .await;
    (
        status,
        headers,
        serde_json::from_slice(&body).unwrap_or(Value::Null),
    )
}

fn slot(section: Section, name: &str) -> usize {
    section
        .names()
        .iter()
        .position(|known| *known == name)
        .unwrap_or_else(|| panic!("{name} is a slot of {}", section.name()))
}

fn shape(section: Section) -> String {
    format!("{:016x}", section.shape())
}

async fn each_language_is_its_table_by_slot(database: TestDatabase) {
    let state = state(&database).await;
    let names = Section::Visitor.names();
    let heading = slot(Section::Visitor, "Heading");
    for lang in [Lang::En, Lang::Fr, Lang::De] {
        let (status, headers, body) = texts(&state, lang.code(), "visitor").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=300");
        let etag = headers[header::ETAG].to_str().expect("ASCII");
        assert!(
            etag.len() == 34 && etag.starts_with('"') && !etag.starts_with("W/"),
            "a strong tag: {etag}"
        );
        assert_eq!(body["shape"], shape(Section::Visitor));
        let served = body["texts"].as_array().expect("a list in slot order");
        assert_eq!(served.len(), names.len());
        let expected: Vec<&str> = Section::Visitor.table(lang).to_vec();
        assert_eq!(body["texts"], json!(expected), "{}", lang.code());
    }
    let (_, _, english) = texts(&state, "en", "visitor").await;
    let (_, _, french) = texts(&state, "fr", "visitor").await;
    assert_eq!(
        french["texts"][heading],
        Section::Visitor.table(Lang::Fr)[heading]
    );
    assert_ne!(
        french["texts"][heading], english["texts"][heading],
        "the French heading is French"
    );

    let (status, _, manage) = texts(&state, "fr", "manage").await;
    assert_eq!(status, StatusCode::OK, "{manage}");
    assert_eq!(manage["shape"], shape(Section::Manage));
    assert_eq!(
        manage["texts"].as_array().map(Vec::len),
        Some(Section::Manage.names().len())
    );

    // The clinic has no own texts: the translation file's table.
    let (status, _, body) = call(
        &state,
        Request::get("/api/v1/businesses/praxis-am-see/texts/de/visitor")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let body: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(body["texts"], json!(Section::Visitor.table(Lang::De)));
}

async fn own_texts_are_laid_over_the_table(database: TestDatabase) {
    let state = state(&database).await;
    let (status, _, spanish) = texts(&state, "es", "visitor").await;
    assert_eq!(status, StatusCode::OK, "{spanish}");
    let table = Section::Visitor.table(Lang::Es);
    let served = spanish["texts"].as_array().expect("a list");
    assert_eq!(served.len(), table.len());
    for (index, text) in served.iter().enumerate() {
        let name = Section::Visitor.names()[index];
        let own = match name {
            "Heading" => Some("Reserve su mesa"),
            "People.one" => Some("{n} comensal"),
            "People.few" | "People.many" | "People.other" => Some("{n} comensales"),
            _ => None,
        };
        assert_eq!(text, own.unwrap_or(table[index]), "{name}");
    }
    // The business's Spanish is its own; its other languages are untouched.
    let (_, _, english) = texts(&state, "en", "visitor").await;
    assert_eq!(english["texts"], json!(Section::Visitor.table(Lang::En)));

    // The banner, by name: JavaScript reads it so.
    let (status, headers, banner) = texts(&state, "en", "banner").await;
    assert_eq!(status, StatusCode::OK, "{banner}");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=300");
    assert_eq!(banner["shape"], shape(Section::Banner));
    let named = banner["texts"].as_object().expect("an object by name");
    assert_eq!(named.len(), Section::Banner.names().len());
    assert_eq!(named["title"], "Cookies at Chez Nous");
    let accept = slot(Section::Banner, "accept");
    assert_eq!(named["accept"], Section::Banner.table(Lang::En)[accept]);
    let (_, _, french) = texts(&state, "fr", "banner").await;
    assert_eq!(
        french["texts"]["title"],
        Section::Banner.table(Lang::Fr)[slot(Section::Banner, "title")],
        "the own title is English only"
    );
}

async fn the_profile_names_the_languages_with_own_texts(database: TestDatabase) {
    let state = state(&database).await;
    let profile = |business: &'static str| {
        let state = state.clone();
        async move {
            let (status, _, body) = call(
                &state,
                Request::get(format!("/api/v1/businesses/{business}/profile"))
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
            assert_eq!(status, StatusCode::OK);
            serde_json::from_slice::<Value>(&body).expect("JSON")
        }
    };
    // Not fr: its own texts are messages, which the courier reads.
    assert_eq!(
        profile(BISTRO).await["own_texts"],
        json!(["en/banner", "es/visitor"])
    );
    let clinic = profile("praxis-am-see").await;
    assert!(clinic.get("own_texts").is_none(), "{clinic}");
}

async fn other_languages_and_sections_are_not_found(database: TestDatabase) {
    let state = state(&database).await;
    for (lang, section) in [
        ("xx", "visitor"),
        ("EN", "visitor"),
        ("fr-CA", "visitor"),
        ("fr", "messages"),
        ("fr", "loader"),
        ("fr", "footer"),
        ("fr", "Visitor"),
        ("%FF", "visitor"),
    ] {
        let (status, _, body) = texts(&state, lang, section).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{lang}/{section}");
        assert_eq!(body["error"]["code"], "not_found", "{lang}/{section}");
    }
    let (status, _, body) = call(
        &state,
        Request::get("/api/v1/businesses/nowhere/texts/fr/visitor")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let body: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(body["error"]["code"], "unknown_business");
}

async fn a_current_copy_is_revalidated_with_its_etag(database: TestDatabase) {
    let state = state(&database).await;
    let (_, headers, _) = texts(&state, "es", "visitor").await;
    let etag = headers[header::ETAG].to_str().expect("ASCII").to_owned();
    let revalidate = |tag: String, lang: &'static str| {
        let state = state.clone();
        async move {
            call(
                &state,
                Request::get(format!("/api/v1/businesses/{BISTRO}/texts/{lang}/visitor"))
                    .header(header::IF_NONE_MATCH, tag)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
        }
    };
    for tag in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"other\", {etag}"),
    ] {
        let (status, headers, body) = revalidate(tag.clone(), "es").await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{tag}");
        assert!(body.is_empty());
        assert_eq!(headers[header::ETAG], etag.as_str());
        assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=300");
    }
    // Another language is another body, with another tag.
    let (status, headers, _) = revalidate(etag.clone(), "fr").await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(headers[header::ETAG], etag.as_str());
    let (status, _, _) = revalidate("\"stale\"".to_owned(), "es").await;
    assert_eq!(status, StatusCode::OK);
}

/// The host page fetches the banner's texts cross-origin, as it does the profile.
async fn the_business_origins_may_read_them(database: TestDatabase) {
    let state = state(&database).await;
    for (origin, allowed) in [("http://host.test", true), ("http://evil.test", false)] {
        let (status, headers, _) = call(
            &state,
            Request::get(format!("/api/v1/businesses/{BISTRO}/texts/fr/banner"))
                .header(header::ORIGIN, origin)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            headers
                .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
                .map(|value| value.as_bytes()),
            allowed.then_some(origin.as_bytes()),
            "{origin}"
        );
    }
}

/// The document's patterns for the path are the languages and sections served,
/// so schemathesis's valid requests are answered `200`.
async fn the_document_names_every_language_and_section_served(database: TestDatabase) {
    let state = state(&database).await;
    let (status, _, document) = call(
        &state,
        Request::get("/api/v1/openapi.json")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let document: Value = serde_json::from_slice(&document).expect("JSON");
    let operation =
        &document["paths"]["/api/v1/businesses/{business}/texts/{lang}/{section}"]["get"];
    let pattern = |name: &str| {
        operation["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .find(|parameter| parameter["name"] == name)
            .and_then(|parameter| parameter["schema"]["pattern"].as_str())
            .unwrap_or_else(|| panic!("{name} has a pattern: {operation}"))
            .to_owned()
    };
    let codes: Vec<&str> = Lang::ALL.into_iter().map(Lang::code).collect();
    assert_eq!(pattern("lang"), format!("^({})$", codes.join("|")));
    let sections: Vec<&str> = Section::ALL
        .into_iter()
        .filter(|section| sealbook_server::texts::served(*section))
        .map(Section::name)
        .collect();
    assert_eq!(pattern("section"), format!("^({})$", sections.join("|")));
    for lang in codes {
        for section in &sections {
            assert_eq!(
                texts(&state, lang, section).await.0,
                StatusCode::OK,
                "{lang}/{section}"
            );
        }
    }
    let ok = &operation["responses"]["200"];
    assert!(ok["headers"]["ETag"].is_object(), "{ok}");
    assert!(operation["responses"]["304"].is_object(), "{operation}");
}

/// `GET /texts/{lang}/{section}`: the translation file's table, whoever asks,
/// without any business's own texts.
async fn without_a_business_the_translation_files_are_served(database: TestDatabase) {
    let state = state(&database).await;
    let get = |path: String| {
        let state = state.clone();
        async move {
            let (status, _, body) = call(
                &state,
                Request::get(path).body(Body::empty()).expect("request"),
            )
            .await;
            (
                status,
                serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null),
            )
        }
    };
    let (status, body) = get("/api/v1/texts/es/visitor".to_owned()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["shape"], shape(Section::Visitor));
    let heading = slot(Section::Visitor, "Heading");
    assert_eq!(
        body["texts"][heading],
        Section::Visitor.table(Lang::Es)[heading],
        "the translation file's, not the business's own"
    );
    let (status, body) = get("/api/v1/texts/pl/banner".to_owned()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["texts"]["title"],
        Section::Banner.table(Lang::Pl)[slot(Section::Banner, "title")]
    );
    for path in ["/api/v1/texts/xx/visitor", "/api/v1/texts/fr/messages"] {
        let (status, body) = get(path.to_owned()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
}

/// A browser that takes brotli gets it (a third of the bytes before the banner),
/// and its copy revalidates whichever encoding it kept.
async fn a_browser_that_takes_brotli_gets_it(database: TestDatabase) {
    let state = state(&database).await;
    let path = format!("/api/v1/businesses/{BISTRO}/texts/pl/visitor");
    let (_, plain_headers, plain) = call(
        &state,
        Request::get(&path).body(Body::empty()).expect("request"),
    )
    .await;
    let (status, headers, compressed) = call(
        &state,
        Request::get(&path)
            .header(header::ACCEPT_ENCODING, "gzip, deflate, br, zstd")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    assert_eq!(headers[header::VARY], "accept-encoding");
    assert!(
        compressed.len() * 2 < plain.len(),
        "{} of {}",
        compressed.len(),
        plain.len()
    );
    let mut decoded = Vec::new();
    brotli_decompressor::BrotliDecompress(&mut &compressed[..], &mut decoded).expect("brotli");
    assert_eq!(decoded, plain, "the same texts");
    let kept = plain_headers[header::ETAG]
        .to_str()
        .expect("ASCII")
        .to_owned();
    let (status, _, _) = call(
        &state,
        Request::get(&path)
            .header(header::ACCEPT_ENCODING, "br")
            .header(header::IF_NONE_MATCH, kept)
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_MODIFIED,
        "the identity copy is current"
    );
}

on_both_backends!(
    a_browser_that_takes_brotli_gets_it,
    without_a_business_the_translation_files_are_served,
    the_document_names_every_language_and_section_served,
    each_language_is_its_table_by_slot,
    own_texts_are_laid_over_the_table,
    the_profile_names_the_languages_with_own_texts,
    other_languages_and_sections_are_not_found,
    a_current_copy_is_revalidated_with_its_etag,
    the_business_origins_may_read_them,
);
