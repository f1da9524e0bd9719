//! The built apps' files as they go out (`cargo xtask build-widget` makes them,
//! see xtask/src/delivery.rs): read once at start with the brotli and gzip
//! copies the build wrote beside them, sent in the best encoding the request
//! accepts, kept for a year when the name carries the content's hash, and
//! otherwise revalidated with an ETag. Nothing is compressed per request.

use std::collections::HashMap;
use std::io::Read as _;
use std::path::Path;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use sha2::{Digest, Sha256};

/// Every `.js`, `.wasm` and `.html` file under the widget folder, by its path
/// there with `/` between folders (`embed.js`, `inbox/index.html`).
#[derive(Debug, Default)]
pub(crate) struct BuiltFiles(HashMap<String, BuiltFile>);

#[derive(Debug)]
struct BuiltFile {
    content_type: &'static str,
    identity: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
    /// Hex of SHA-256 of the identity bytes: what each encoding's ETag is made of.
    hash: String,
}

/// How long a browser may keep a response before asking again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caching {
    /// The name carries the content's hash: a new build is a new name.
    Immutable,
    /// A stable name a new build replaces (the loader): kept a few minutes,
    /// then revalidated by ETag, so a deploy reaches every page soon.
    Revalidate,
    /// Never written to the browser's cache (the manage page and the inbox).
    NoStore,
}

/// The loader's lifetime in caches: how long a deploy may take to reach a page
/// that was open before it.
const LOADER_MAX_AGE: &str = "public, max-age=300";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Hex digits of the hash in a content-addressed name (xtask's `HASH_HEX`).
const NAME_HASH_HEX: usize = 16;

/// Folders deep under the widget folder that hold built files (`inbox/`,
/// `snippets/<crate>-<hash>/`); deeper ones are not read.
const MAX_DEPTH: usize = 3;

const EXTENSIONS: [(&str, &str); 3] = [
    (".js", "text/javascript; charset=utf-8"),
    (".wasm", "application/wasm"),
    (".html", "text/html; charset=utf-8"),
];

impl BuiltFiles {
    /// Reads the built files under `dir`. A folder that is not there (the apps
    /// not built yet) leaves the table empty: every file is then `404`. A
    /// compressed copy that does not decode to its file (edited by hand after
    /// the build) is left out, so the browser gets the file itself.
    pub(crate) fn load(dir: &Path) -> Self {
        let mut files = HashMap::new();
        load_folder(dir, "", 0, &mut files);
        Self(files)
    }

    /// The identity bytes of `name`.
    pub(crate) fn identity(&self, name: &str) -> Option<&Bytes> {
        self.0.get(name).map(|file| &file.identity)
    }

    /// The `integrity` of the `embed.js` this process sends (not of the one on
    /// disk, which a build may have replaced since the start).
    pub(crate) fn loader_integrity(&self) -> Option<String> {
        self.identity("embed.js")
            .map(|loader| crate::embed::integrity_of(loader))
    }

    /// The response for `name` to a request with `headers`: the encoding the
    /// request prefers among those built, or `304` when its `If-None-Match`
    /// names this content. `None` when there is no such file.
    pub(crate) fn respond(
        &self,
        name: &str,
        headers: &HeaderMap,
        caching: Caching,
    ) -> Option<Response> {
        let file = self.0.get(name)?;
        let encoding = Encoding::choose(headers, file.brotli.is_some(), file.gzip.is_some());
        let (body, content_encoding) = match encoding {
            Encoding::Brotli => (file.brotli.clone(), Some("br")),
            Encoding::Gzip => (file.gzip.clone(), Some("gzip")),
            Encoding::Identity => (None, None),
        };
        let body = body.unwrap_or_else(|| file.identity.clone());
        let mut response = Response::builder()
            .header(header::CONTENT_TYPE, file.content_type)
            .header(header::VARY, "accept-encoding");
        let validated = caching != Caching::NoStore;
        if validated {
            response = response.header(header::ETAG, encoding.etag(&file.hash));
        }
        response = response.header(
            header::CACHE_CONTROL,
            match caching {
                Caching::Immutable => IMMUTABLE,
                Caching::Revalidate => LOADER_MAX_AGE,
                Caching::NoStore => "no-store",
            },
        );
        if validated && matches_none_match(headers, &file.hash) {
            return Some(
                response
                    .status(StatusCode::NOT_MODIFIED)
                    .body(Body::empty())
                    .expect("static header values are valid"),
            );
        }
        if let Some(coding) = content_encoding {
            response = response.header(header::CONTENT_ENCODING, coding);
        }
        Some(
            response
                .header(header::CONTENT_LENGTH, body.len())
                .body(Body::from(body))
                .expect("static header values are valid"),
        )
    }
}

/// Whether `name` (a file name, no folder) carries its content's hash the way
/// the build writes it: `<package>-<16 hex>.js` or `.wasm`.
pub(crate) fn is_content_addressed(name: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".js")
        .or_else(|| name.strip_suffix(".wasm"))
    else {
        return false;
    };
    stem.rsplit_once('-').is_some_and(|(package, hash)| {
        !package.is_empty()
            && hash.len() == NAME_HASH_HEX
            && hash
                .bytes()
                .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
    })
}

fn load_folder(dir: &Path, prefix: &str, depth: usize, files: &mut HashMap<String, BuiltFile>) {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return;
    };
    for item in listing.flatten() {
        let Ok(name) = item.file_name().into_string() else {
            continue;
        };
        let path = item.path();
        let key = format!("{prefix}{name}");
        if path.is_dir() {
            if depth < MAX_DEPTH {
                load_folder(&path, &format!("{key}/"), depth + 1, files);
            }
            continue;
        }
        let Some((_, content_type)) = EXTENSIONS
            .iter()
            .find(|(extension, _)| name.ends_with(extension))
        else {
            continue;
        };
        let Ok(identity) = std::fs::read(&path) else {
            continue;
        };
        let brotli = compressed_copy(&path, "br", &identity, |bytes| {
            let mut decoded = Vec::new();
            brotli_decompressor::Decompressor::new(bytes, 4096)
                .read_to_end(&mut decoded)
                .map(|_| decoded)
        });
        let gzip = compressed_copy(&path, "gz", &identity, |bytes| {
            let mut decoded = Vec::new();
            flate2::read::GzDecoder::new(bytes)
                .read_to_end(&mut decoded)
                .map(|_| decoded)
        });
        let hash = Sha256::digest(&identity)
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        files.insert(
            key,
            BuiltFile {
                content_type,
                identity: Bytes::from(identity),
                brotli,
                gzip,
                hash,
            },
        );
    }
}

/// `<path>.<extension>` if it is there and `decode` turns it into `identity`.
fn compressed_copy(
    path: &Path,
    extension: &str,
    identity: &[u8],
    decode: impl FnOnce(&[u8]) -> std::io::Result<Vec<u8>>,
) -> Option<Bytes> {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    let compressed = std::fs::read(&name).ok()?;
    if decode(&compressed).ok().as_deref() != Some(identity) {
        tracing::warn!(
            file = %Path::new(&name).display(),
            "a compressed copy does not decode to its file: sending the file uncompressed"
        );
        return None;
    }
    Some(Bytes::from(compressed))
}

/// The content codings this server has copies in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// The coding `Accept-Encoding` weighs highest among those available,
    /// brotli on a tie (it is the smaller); identity when the header is absent
    /// or accepts neither (RFC 9110 §12.5.3).
    pub(crate) fn choose(headers: &HeaderMap, has_brotli: bool, has_gzip: bool) -> Self {
        let (mut brotli, mut gzip, mut any) = (None, None, None);
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let coding = parts.next().unwrap_or_default().trim();
                let weight = parts
                    .filter_map(|parameter| parameter.trim().strip_prefix("q="))
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                let slot = if coding.eq_ignore_ascii_case("br") {
                    &mut brotli
                } else if coding.eq_ignore_ascii_case("gzip")
                    || coding.eq_ignore_ascii_case("x-gzip")
                {
                    &mut gzip
                } else if coding == "*" {
                    &mut any
                } else {
                    continue;
                };
                *slot = Some(weight);
            }
        }
        let brotli = brotli.or(any).unwrap_or(0.0);
        let gzip = gzip.or(any).unwrap_or(0.0);
        let brotli = if has_brotli { brotli } else { 0.0 };
        let gzip = if has_gzip { gzip } else { 0.0 };
        if brotli > 0.0 && brotli >= gzip {
            Self::Brotli
        } else if gzip > 0.0 {
            Self::Gzip
        } else {
            Self::Identity
        }
    }

    /// A strong ETag per encoding: each is a different sequence of bytes.
    pub(crate) fn etag(self, hash: &str) -> HeaderValue {
        let hash = &hash[..32];
        let tag = match self {
            Self::Brotli => format!("\"{hash}-br\""),
            Self::Gzip => format!("\"{hash}-gz\""),
            Self::Identity => format!("\"{hash}\""),
        };
        HeaderValue::from_str(&tag).expect("hex and quotes are a valid header value")
    }
}

/// Whether `If-None-Match` names this content in any encoding: a browser that
/// kept the gzip copy may now accept brotli, and its copy is still current.
pub(crate) fn matches_none_match(headers: &HeaderMap, hash: &str) -> bool {
    let hash = &hash[..32];
    none_match(headers, |tag| {
        tag.strip_prefix(hash)
            .is_some_and(|suffix| matches!(suffix, "" | "-br" | "-gz"))
    })
}

/// Whether `If-None-Match` is `*` or lists a tag (its text between the quotes)
/// that `current` accepts. Weak comparison, as RFC 9110 §13.1.2 has it for
/// `If-None-Match`: a `W/` prefix is ignored.
pub(crate) fn none_match(headers: &HeaderMap, current: impl Fn(&str) -> bool) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim())
        .any(|tag| {
            let tag = tag.strip_prefix("W/").unwrap_or(tag);
            tag == "*"
                || tag
                    .strip_prefix('"')
                    .and_then(|tag| tag.strip_suffix('"'))
                    .is_some_and(&current)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).expect("ASCII"),
        );
        headers
    }

    #[test]
    fn the_encoding_is_the_one_the_request_weighs_highest() {
        let choose = |value: &str| Encoding::choose(&accepting(value), true, true);
        assert_eq!(choose("gzip, deflate, br, zstd"), Encoding::Brotli);
        assert_eq!(choose("gzip, deflate"), Encoding::Gzip);
        assert_eq!(choose("br;q=0.5, gzip"), Encoding::Gzip);
        assert_eq!(choose("br;q=0, gzip;q=0"), Encoding::Identity);
        assert_eq!(choose("BR"), Encoding::Brotli);
        assert_eq!(choose("*"), Encoding::Brotli);
        assert_eq!(choose("*, br;q=0"), Encoding::Gzip);
        assert_eq!(choose("identity"), Encoding::Identity);
        assert_eq!(choose("deflate, zstd"), Encoding::Identity);
        assert_eq!(
            Encoding::choose(&HeaderMap::new(), true, true),
            Encoding::Identity
        );
        // Only what was built is offered.
        assert_eq!(
            Encoding::choose(&accepting("br, gzip"), false, true),
            Encoding::Gzip
        );
        assert_eq!(
            Encoding::choose(&accepting("br"), false, true),
            Encoding::Identity
        );
    }

    #[test]
    fn content_addressed_names_are_the_builds_hashed_names() {
        for name in [
            "sealbook-widget-0123456789abcdef.js",
            "sealbook-inbox-fedcba9876543210.wasm",
        ] {
            assert!(is_content_addressed(name), "{name}");
        }
        for name in [
            "embed.js",
            "sealbook_widget.js",
            "sealbook-widget-0123456789abcde.js",
            "sealbook-widget-0123456789abcdef0.js",
            "sealbook-widget-0123456789ABCDEF.js",
            "-0123456789abcdef.js",
            "sealbook-widget-0123456789abcdef.html",
            "sealbook-widget-0123456789abcdef.js.br",
        ] {
            assert!(!is_content_addressed(name), "{name}");
        }
    }

    #[test]
    fn if_none_match_accepts_this_content_in_any_encoding_and_nothing_else() {
        let hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let matches = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::IF_NONE_MATCH,
                HeaderValue::from_str(value).expect("ASCII"),
            );
            matches_none_match(&headers, hash)
        };
        assert!(matches("\"0123456789abcdef0123456789abcdef\""));
        assert!(matches("\"0123456789abcdef0123456789abcdef-br\""));
        assert!(matches("W/\"0123456789abcdef0123456789abcdef-gz\""));
        assert!(matches("\"other\", \"0123456789abcdef0123456789abcdef\""));
        assert!(matches("*"));
        assert!(!matches("\"0123456789abcdef0123456789abcdee\""));
        assert!(!matches("\"0123456789abcdef0123456789abcdef-zz\""));
        assert!(!matches("0123456789abcdef0123456789abcdef"));
        assert!(!matches_none_match(&HeaderMap::new(), hash));
    }
}
