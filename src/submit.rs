//! One submission: fetch the key set, verify it against the pins, seal, upload.
//! Each completed stage is reported to the reducer; the first failure ends the run.

use crate::api::{self, UploadBody};
use crate::clock::{self, Start};
use crate::error::{ErrorCode, Failure};
use crate::form::{Booking, Draft, Field, FieldError};
use crate::i18n::Text;
use crate::options::Options;
use crate::seal;
use crate::state::Action;

/// Checks the form and places its start in the browser's time zone; the start must
/// lie in the future.
pub fn prepare(draft: &Draft) -> Result<(Booking, Start), Vec<FieldError>> {
    let booking = draft.validate()?;
    let date_error = |text| {
        vec![FieldError {
            field: Field::Date,
            text,
        }]
    };
    let start =
        clock::local_start(&booking.local_start).ok_or_else(|| date_error(Text::ErrDateInvalid))?;
    if start.epoch_ms <= clock::now_ms() {
        return Err(date_error(Text::ErrStartPast));
    }
    Ok((booking, start))
}

/// Runs the submission and reports every stage through `dispatch`.
pub async fn run(options: &Options, booking: Booking, start: Start, dispatch: impl Fn(Action)) {
    let last = match stages(options, &booking, &start, &dispatch).await {
        Ok(reference) => Action::Accepted(reference),
        Err(failure) => Action::Fail(failure),
    };
    dispatch(last);
}

async fn stages(
    options: &Options,
    booking: &Booking,
    start: &Start,
    dispatch: &impl Fn(Action),
) -> Result<String, Failure> {
    let key_set = api::fetch_keys(&options.api, &options.business).await?;
    // Any refusal here ends the run before anything is sealed or sent.
    let recipients = seal::verified_recipients(&key_set, &options.business, &options.pins)
        .map_err(|_| ErrorCode::KeyNotPinned)?;
    dispatch(Action::KeysVerified);

    let plaintext = booking.plaintext_json(&start.utc, options.lang);
    let envelope = seal::seal_booking(
        &recipients,
        &options.business,
        clock::now_unix_seconds(),
        &plaintext,
    )
    .map_err(|_| ErrorCode::SealFailed)?;
    drop(plaintext);
    dispatch(Action::Sealed);

    let body = UploadBody {
        envelope: &envelope,
        start: &start.utc,
        party_size: booking.party_size,
    };
    api::post_booking(&options.api, &options.business, &body).await
}
