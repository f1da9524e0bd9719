//! Bookings made through the public API, sealed here as the widget seals them:
//! for the tests that need a slot taken, or a booking with a card, before a
//! browser comes in.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_envelope::{
    ManageSecret, Recipient, SealParams, seal, seal_contact_card, seal_visitor_copy,
};

use crate::Sealbook;
use crate::civil::iso_date;

/// The first free start for a party of two from `from` to `to` days after
/// today (UTC), from the server's own availability.
pub async fn first_free_start(
    sealbook: &Sealbook,
    (from, to): (i64, i64),
) -> anyhow::Result<String> {
    let today = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs()
            / 86_400,
    )?;
    let (from, to) = (iso_date(today + from), iso_date(today + to));
    let business = &sealbook.business;
    let (status, body) = sealbook
        .request(
            "GET",
            &format!("/api/v1/businesses/{business}/availability?from={from}&to={to}&party=2"),
            &[],
            None,
        )
        .await?;
    anyhow::ensure!(status == 200, "availability: {status} {body}");
    let answer: serde_json::Value = serde_json::from_str(&body)?;
    answer["days"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|day| day["slots"].as_array().cloned().unwrap_or_default())
        .find_map(|slot| slot["start"].as_str().map(str::to_owned))
        .ok_or_else(|| anyhow::anyhow!("no free slot from {from} to {to}"))
}

/// A booking of two at `start` in French, sealed to the business's key, with
/// its visitor copy and, given a courier key and an address, an e-mail card.
#[derive(Debug)]
pub struct Sealed {
    pub body: serde_json::Value,
    pub secret: ManageSecret,
}

impl Sealed {
    pub fn new(
        sealbook: &Sealbook,
        start: &str,
        card: Option<(&Recipient, &str)>,
    ) -> anyhow::Result<Self> {
        let booking_key = Recipient::from_spki_pem(&std::fs::read_to_string(
            sealbook
                .dir
                .path()
                .join(format!("keys/{}.pub.pem", sealbook.business)),
        )?)?;
        let secret = ManageSecret::generate(&mut getrandom::SysRng)?;
        let params = SealParams {
            business: &sealbook.business,
            iat: 1_795_000_000,
        };
        let plaintext = serde_json::json!({ "v": 1, "kind": "restaurant", "party_size": 2, "start": start, "lang": "fr" }).to_string();
        let envelope = seal(
            std::slice::from_ref(&booking_key),
            &params,
            plaintext.as_bytes(),
            &mut getrandom::SysRng,
        )?;
        let copy = seal_visitor_copy(
            &secret,
            &params,
            plaintext.as_bytes(),
            &mut getrandom::SysRng,
        )?;
        let mut body = serde_json::json!({
            "envelope": URL_SAFE_NO_PAD.encode(envelope),
            "start": start,
            "party_size": 2,
            "visitor_copy": URL_SAFE_NO_PAD.encode(copy),
            "manage_token_hash": secret.token().hash().to_base64url(),
        });
        if let Some((courier, address)) = card {
            let cancel = secret.cancel_token();
            let card = serde_json::json!({ "v": 1, "channel": "email", "address": address, "lang": "fr", "cancel": cancel.to_base64url() }).to_string();
            let card = seal_contact_card(
                std::slice::from_ref(courier),
                &params,
                card.as_bytes(),
                &mut getrandom::SysRng,
            )?;
            body["contact_card"] = URL_SAFE_NO_PAD.encode(card).into();
            body["cancel_token_hash"] = cancel.hash().to_base64url().into();
        }
        Ok(Self { body, secret })
    }

    /// Uploads it as a booking: the status and the answer.
    pub async fn book(&self, sealbook: &Sealbook) -> anyhow::Result<(u16, serde_json::Value)> {
        let (status, answer) = sealbook
            .request(
                "POST",
                &format!("/api/v1/businesses/{}/bookings", sealbook.business),
                &[("Content-Type", "application/json")],
                Some(&self.body.to_string()),
            )
            .await?;
        Ok((status, serde_json::from_str(&answer).unwrap_or_default()))
    }
}
