//! The manage link, `{server}/manage/{id}#{secret}`.

use sealbook_envelope::ManageSecret;

/// The booking id from `location.pathname` and the secret from `location.hash`.
/// `None` for anything that is not a well-formed link.
pub fn parse(pathname: &str, hash: &str) -> Option<(String, ManageSecret)> {
    let id = pathname.strip_prefix("/manage/")?;
    let well_formed = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !well_formed {
        return None;
    }
    let secret = ManageSecret::from_base64url(hash.strip_prefix('#')?)?;
    Some((id.to_owned(), secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

    #[test]
    fn well_formed_links_parse() {
        let (id, secret) = parse("/manage/7KQ2-M9XD", &format!("#{SECRET}")).expect("ok");
        assert_eq!(id, "7KQ2-M9XD");
        assert_eq!(secret.to_base64url(), SECRET);
    }

    #[test]
    fn broken_links_do_not() {
        for (path, hash) in [
            ("/manage/7KQ2", ""),
            ("/manage/7KQ2", "#"),
            ("/manage/7KQ2", "#AAEC"),
            ("/manage/", &format!("#{SECRET}")),
            ("/other/7KQ2", &format!("#{SECRET}")),
            ("/manage/a/b", &format!("#{SECRET}")),
            ("/manage/7KQ2", &format!("#{SECRET}x")),
        ] {
            assert!(parse(path, hash).is_none(), "{path}{hash}");
        }
    }
}
