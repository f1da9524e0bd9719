//! `GET /inbox/audit`: the owner reads who did what. Entries hold actions,
//! ranges, counts and statuses, never booking content.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sealbook_wire::api::audit::{AuditLog, AuditView};
use sealbook_wire::api::error::ErrorBody;
use serde::Deserialize;

use crate::auth::session::Owner;
use crate::storage::AuditEntry;
use crate::{AppError, AppState};

/// The most entries one answer holds (the newest).
const MAX_ENTRIES: i64 = 10_000;

impl From<AuditEntry> for AuditView {
    fn from(entry: AuditEntry) -> Self {
        Self {
            id: entry.id,
            at: jiff::Timestamp::from_second(entry.at)
                .map_or_else(|_| entry.at.to_string(), |time| time.to_string()),
            staff_id: entry.staff_id,
            staff_email: entry.staff_email,
            session: entry.session,
            action: entry.action,
            booking_id: entry.booking_id,
            detail: entry.detail,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditQuery {
    /// `csv` for a spreadsheet; JSON otherwise.
    #[param(pattern = "^(json|csv)$")]
    format: Option<String>,
}

/// A CSV field, quoted when it has to be (RFC 4180), and defused for
/// spreadsheets that would run a leading `=`, `+`, `-` or `@` as a formula.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn to_csv(entries: &[AuditView]) -> String {
    let mut out = String::from("id,at,staff_id,staff_email,session,action,booking_id,detail\r\n");
    for entry in entries {
        let fields = [
            entry.id.as_str(),
            entry.at.as_str(),
            entry.staff_id.as_deref().unwrap_or_default(),
            entry.staff_email.as_deref().unwrap_or_default(),
            entry.session.as_deref().unwrap_or_default(),
            entry.action.as_str(),
            entry.booking_id.as_deref().unwrap_or_default(),
            entry.detail.as_str(),
        ];
        let line: Vec<String> = fields.iter().map(|field| csv_field(field)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// `GET /inbox/audit`.
#[utoipa::path(
    get,
    path = "/api/v1/inbox/audit",
    tag = "inbox",
    security(("session" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "The business's entries, newest first (JSON, or CSV with `format=csv`)", content(
            (AuditLog = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "`invalid_query`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: owner only", body = ErrorBody),
    ),
)]
pub(crate) async fn log(
    State(state): State<AppState>,
    Owner(session): Owner,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query.map_err(|rejection| AppError::InvalidQuery(rejection.body_text()))?;
    let csv = match query.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(AppError::InvalidQuery(
                "format must be json or csv".to_owned(),
            ));
        }
    };
    let entries: Vec<AuditView> = state
        .storage
        .audit_log(&session.staff.business, MAX_ENTRIES)
        .await?
        .into_iter()
        .map(AuditView::from)
        .collect();
    if csv {
        let mut response = to_csv(&entries).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        return Ok(response);
    }
    Ok(Json(AuditLog { entries }).into_response())
}
