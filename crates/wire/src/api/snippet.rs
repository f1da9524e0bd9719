//! `GET /inbox/snippet`: the exact script tag for the owner to paste into their site.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Snippet {
    /// The `<script>` tag, as HTML.
    pub html: String,
    /// The pinned key ids (`data-keys`): the business's active and pending keys.
    pub kids: Vec<String>,
    /// The courier's key ids (`data-courier-keys`), when the business has a
    /// courier: the keys contact cards are sealed to.
    #[serde(default)]
    pub courier_kids: Vec<String>,
    /// `sha384-…` of `embed.js`, when the widget is built.
    pub integrity: Option<String>,
}

/// The `<script>` tag that embeds `business`'s booking form from `origin` (empty:
/// the page's own), with `pins` as its `data-keys`, `courier_pins` (if any) as
/// its `data-courier-keys` and `integrity` (if the widget is built). The
/// server, `sealbook snippet` and the inbox all write the tag with this.
pub fn script_tag(
    origin: &str,
    business: &str,
    pins: &[&str],
    courier_pins: &[&str],
    integrity: Option<&str>,
) -> String {
    let integrity = integrity.map_or_else(String::new, |hash| {
        format!(" integrity=\"{}\" crossorigin=\"anonymous\"", escape(hash))
    });
    let courier = if courier_pins.is_empty() {
        String::new()
    } else {
        format!(" data-courier-keys=\"{}\"", escape(&courier_pins.join(",")))
    };
    format!(
        "<script src=\"{}/widget/embed.js\"{integrity} data-business=\"{}\" data-keys=\"{}\"{courier} async></script>",
        escape(origin.trim_end_matches('/')),
        escape(business),
        escape(&pins.join(",")),
    )
}

/// Text for HTML text or a double-quoted attribute.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::script_tag;

    #[test]
    fn the_tag_pins_courier_keys_only_when_there_are_some() {
        assert_eq!(
            script_tag(
                "https://book.example/",
                "bistro",
                &["k1", "k2"],
                &[],
                Some("sha384-x")
            ),
            "<script src=\"https://book.example/widget/embed.js\" integrity=\"sha384-x\" \
             crossorigin=\"anonymous\" data-business=\"bistro\" data-keys=\"k1,k2\" async></script>"
        );
        assert_eq!(
            script_tag("", "a\"b", &["k1"], &["c1"], None),
            "<script src=\"/widget/embed.js\" data-business=\"a&quot;b\" data-keys=\"k1\" \
             data-courier-keys=\"c1\" async></script>"
        );
    }
}
