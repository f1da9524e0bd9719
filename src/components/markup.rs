//! Markup written as text. Yew's `html!` costs hundreds of bytes of wasm per
//! element; the widget's mostly static views are written into strings and handed
//! to Yew as raw HTML (DESIGN §10's size budget), with one delegated listener per
//! event type on the app's root. Controls whose value the visitor edits stay
//! Yew elements (`controls.rs`), so typing never replaces the focused node.
//!
//! Every text that does not come from this crate is escaped with [`Out::text`].

use yew::{AttrValue, Html};

/// A growing piece of markup.
#[derive(Debug, Default)]
pub struct Out(String);

impl Out {
    /// Markup from this crate (tags, attribute names, i18n table texts).
    // Not inlined: the views call this hundreds of times (wasm size).
    #[inline(never)]
    pub fn raw(&mut self, markup: &str) -> &mut Self {
        self.0.push_str(markup);
        self
    }

    /// Text from elsewhere (the profile, the server, the visitor), escaped for
    /// element content and quoted attribute values.
    #[inline(never)]
    pub fn text(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            match c {
                '&' => self.0.push_str("&amp;"),
                '<' => self.0.push_str("&lt;"),
                '>' => self.0.push_str("&gt;"),
                '"' => self.0.push_str("&quot;"),
                '\'' => self.0.push_str("&#39;"),
                c => self.0.push(c),
            }
        }
        self
    }

    /// A button that the app's click handler maps to an action by `data-a`.
    #[inline(never)]
    pub fn button(
        &mut self,
        id: &str,
        class: &str,
        act: &str,
        label: &str,
        disabled: bool,
    ) -> &mut Self {
        self.raw("<button type=\"button\" id=\"")
            .raw(id)
            .raw("\" class=\"")
            .raw(class)
            .raw("\" data-a=\"")
            .raw(act)
            .raw("\"");
        if disabled {
            self.raw(" disabled");
        }
        self.raw(">").raw(label).raw("</button>")
    }

    /// The markup, as a Yew node.
    pub fn html(self) -> Html {
        Html::from_html_unchecked(AttrValue::from(self.0))
    }

    #[cfg(test)]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_text_is_escaped() {
        let mut out = Out::default();
        out.raw("<p title=\"").text("\"><script>'&").raw("\">");
        assert_eq!(
            out.as_str(),
            "<p title=\"&quot;&gt;&lt;script&gt;&#39;&amp;\">"
        );
    }
}
