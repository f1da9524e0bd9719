//! `/inbox/bookings`, `/inbox/exports`, `/inbox/consents`: what staff do with
//! their business's bookings.

use serde::{Deserialize, Serialize};

/// A booking as the inbox shows it: public metadata plus the sealed envelope.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffBooking {
    pub id: String,
    /// RFC 3339 with the business's UTC offset.
    pub start: String,
    pub end: String,
    /// Restaurants only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party_size: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub practitioner: Option<String>,
    /// `confirmed` or `cancelled`: whether the booking holds its capacity.
    pub status: String,
    /// What happened at the appointment, kept apart from `status`: a visitor's
    /// cancel or change never clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attendance: Option<Attendance>,
    /// A block: capacity staff hold with no visitor behind it (its label is sealed).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub block: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// base64url of the envelope, for the inbox to open on the member's device.
    pub envelope: String,
    /// A schedule change left it without hours or room: call the visitor, then
    /// clear the mark (`DELETE /inbox/bookings/{id}/attention`).
    #[serde(default)]
    pub needs_attention: bool,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingList {
    pub bookings: Vec<StaffBooking>,
}

/// A booking's attendance mark.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    /// The visitor came. Set by staff.
    Arrived,
    /// The visitor did not come. Set by staff.
    NoShow,
    /// Cancelled after the business's cancellation deadline (by staff; a
    /// visitor cannot cancel online then). Set by the server, never cleared.
    LateCancelled,
}

impl Attendance {
    /// The wire (and database) form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Arrived => "arrived",
            Self::NoShow => "no_show",
            Self::LateCancelled => "late_cancelled",
        }
    }

    /// The mark with this wire form.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Arrived, Self::NoShow, Self::LateCancelled]
            .into_iter()
            .find(|mark| mark.as_str() == text)
    }
}

/// `POST /inbox/bookings/{id}/status`: staff cancel a booking.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// `cancelled` (a cancelled booking stays cancelled).
    #[cfg_attr(feature = "openapi", schema(pattern = "^cancelled$"))]
    pub status: String,
}

/// `PUT /inbox/bookings/{id}/attendance`: staff set or clear the mark.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AttendanceChange {
    /// `arrived`, `no_show`, or `null` to clear either; `late_cancelled` is the
    /// server's to set.
    pub attendance: Option<Attendance>,
}

/// `GET /inbox/counts`: one local day's totals, nothing that names anyone.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayCounts {
    /// `YYYY-MM-DD`, the business's time zone.
    pub date: String,
    /// Bookings starting that day that still hold their capacity (`confirmed`).
    pub bookings: u32,
    /// The seats those bookings hold (an appointment is one).
    pub covers: u32,
    /// Bookings starting that day that were cancelled, late or not.
    pub cancelled: u32,
    /// Of those, cancelled after the deadline.
    pub late_cancelled: u32,
    /// Marked arrived.
    pub arrived: u32,
    /// Marked no-show, whatever happened to the booking afterwards.
    pub no_show: u32,
}

impl DayCounts {
    /// Adds `other`'s totals to these (a week's row from its days).
    pub fn add(&mut self, other: &Self) {
        self.bookings += other.bookings;
        self.covers += other.covers;
        self.cancelled += other.cancelled;
        self.late_cancelled += other.late_cancelled;
        self.arrived += other.arrived;
        self.no_show += other.no_show;
    }
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountsReport {
    /// Every day of the range, in order, days without bookings included.
    pub days: Vec<DayCounts>,
}

/// `POST /inbox/bookings`: a booking a staff member enters (a phone call, a
/// walk-in), sealed in their browser to the business's active keys with
/// `"source": "staff"` inside. No visitor copy: the visitor did not book online.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffBookingRequest {
    /// base64url of the booking envelope.
    pub envelope: String,
    /// RFC 3339 start time, a slot from the availability API.
    pub start: String,
    /// Restaurants: the number of guests.
    #[serde(default)]
    pub party_size: Option<u32>,
    /// Clinics: the service's id.
    #[serde(default)]
    pub service: Option<String>,
    /// Clinics: the practitioner's id, or `any`.
    #[serde(default)]
    pub practitioner: Option<String>,
    /// Hold the slot even past capacity (owner or manager only; audited).
    #[serde(default)]
    pub squeeze_in: bool,
}

/// `POST /inbox/blocks`: capacity held with no visitor behind it (a private
/// event, a broken oven), from `start` to `end`. The envelope holds the
/// staff-only label: a plaintext with `"source": "staff"` and `"block"`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BlockRequest {
    /// base64url of the booking envelope sealed to the business's active keys.
    pub envelope: String,
    /// RFC 3339.
    pub start: String,
    /// RFC 3339, after `start`, at most 24 hours later.
    pub end: String,
    /// Restaurants: the covers held; absent holds them all.
    #[serde(default)]
    pub covers: Option<u32>,
    /// Clinics: the practitioner whose time is held (required).
    #[serde(default)]
    pub practitioner: Option<String>,
    /// Hold it even where bookings already use the capacity (owner or manager only; audited).
    #[serde(default)]
    pub squeeze_in: bool,
}

/// `POST /inbox/bookings/{id}/move`: another time (and practitioner or
/// service, where the business has them). Only public metadata changes: the
/// sealed booking and the visitor's copy stay as they are.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    /// RFC 3339 new start time.
    pub start: String,
    /// Clinics: another service's id; absent keeps the booking's.
    #[serde(default)]
    pub service: Option<String>,
    /// Clinics: another practitioner's id, or `any`; absent keeps the booking's.
    #[serde(default)]
    pub practitioner: Option<String>,
    /// Hold the new time even past capacity (owner or manager only; audited).
    #[serde(default)]
    pub squeeze_in: bool,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExportReport {
    /// `csv`, `ics` or `html` (the printable day sheet).
    #[cfg_attr(feature = "openapi", schema(pattern = "^(csv|ics|html)$"))]
    pub format: String,
    /// How many bookings the export holds.
    #[cfg_attr(feature = "openapi", schema(maximum = 1_000_000))]
    pub count: u32,
}

/// One consent record, as `sealbook consents list --format json` prints it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentView {
    pub business: String,
    pub consent_id: String,
    pub recorded_at: String,
    pub notice_version: String,
    pub language: String,
    pub granted: Vec<String>,
    pub refused: Vec<String>,
    /// Services allowed on their own, their category refused.
    #[serde(default)]
    pub services: Vec<String>,
    pub action: String,
    /// base64url.
    pub notice_hash: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentList {
    pub records: Vec<ConsentView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clinic_booking_reads_without_a_party_size() {
        // The server leaves out what the business kind does not have.
        let answer = r#"{"id": "b1", "start": "2026-12-04T10:00:00+01:00",
                         "end": "2026-12-04T10:30:00+01:00", "service": "physio-30",
                         "practitioner": "anna", "status": "confirmed",
                         "created_at": "2026-12-01T09:00:00Z", "envelope": "AAAA"}"#;
        let booking: StaffBooking = serde_json::from_str(answer).expect("a clinic booking reads");
        assert_eq!(booking.party_size, None);
        assert_eq!(booking.attendance, None);
        let written = serde_json::to_value(&booking).expect("it serialises");
        assert!(written.get("party_size").is_none(), "{written}");
    }

    #[test]
    fn attendance_marks_read_and_write_their_wire_form() {
        for mark in [
            Attendance::Arrived,
            Attendance::NoShow,
            Attendance::LateCancelled,
        ] {
            let json = serde_json::to_string(&mark).expect("a mark serialises");
            assert_eq!(json, format!("\"{}\"", mark.as_str()));
            assert_eq!(Attendance::parse(mark.as_str()), Some(mark));
        }
        assert_eq!(Attendance::parse("cancelled"), None);
        let cleared: AttendanceChange =
            serde_json::from_str(r#"{"attendance": null}"#).expect("a clear reads");
        assert_eq!(cleared.attendance, None);
    }
}
