//! `/inbox/notices`: which kinds of e-mail notice the signed-in member
//! receives at their own address. Each is off until the member turns it on.

use serde::{Deserialize, Serialize};

/// One flag per kind of notice; the same shape is read and written (the inbox
/// that writes it is served by the same server, so unknown fields are refused).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NoticePreferences {
    /// A booking was made.
    pub new: bool,
    /// The visitor changed their booking.
    pub changed: bool,
    /// A booking was cancelled (by the visitor or by staff).
    pub cancelled: bool,
    /// A booking was erased (by the visitor or by staff).
    pub erased: bool,
    /// A booking was cancelled after the cancellation deadline.
    pub late_cancelled: bool,
}
