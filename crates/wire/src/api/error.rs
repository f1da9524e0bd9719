//! The body of every error answer.

use serde::{Deserialize, Serialize};

/// Every error response: `{ "error": { "code", "message" } }`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// The stable machine-readable code (docs/API.md lists them).
    pub code: String,
    /// An English description for developers, not for visitors.
    pub message: String,
    /// For `invalid_schedule`: every problem, by field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<super::schedule::FieldProblem>,
}
