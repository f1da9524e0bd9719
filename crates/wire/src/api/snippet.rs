//! `GET /inbox/snippet`: the exact script tag for the owner to paste into their site.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Snippet {
    /// The `<script>` tag, as HTML.
    pub html: String,
    /// The pinned key ids (`data-keys`): the business's active and pending keys.
    pub kids: Vec<String>,
    /// `sha384-…` of `embed.js`, when the widget is built.
    pub integrity: Option<String>,
}
