//! A staff account's second factor: the TOTP secret (sealed at rest under the
//! server's TOTP key), the secret pending confirmation, and the step of the
//! last code accepted, so that no code is accepted twice.

use super::Storage;
use crate::auth::totp_seal::TotpKey;
use crate::ids::StaffId;

/// An account's stored TOTP secret and pending secret.
#[derive(sqlx::FromRow)]
struct StoredTotp {
    id: StaffId,
    totp_secret: Option<Vec<u8>>,
    totp_pending: Option<Vec<u8>>,
}

impl Storage {
    /// Keeps a TOTP secret until a code confirms it.
    pub async fn set_totp_pending(&self, id: &StaffId, secret: &[u8]) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE staff SET totp_pending = $1 WHERE id = $2")
            .bind(secret)
            .bind(id)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Turns the pending secret on; `step` is the step of the code that confirmed it.
    /// Turns on the pending secret the code was checked against; `false` if the
    /// pending secret changed meanwhile (a new setup in another tab).
    pub async fn enable_totp(
        &self,
        id: &StaffId,
        checked_pending: &[u8],
        step: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE staff SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $1
             WHERE id = $2 AND totp_pending = $3",
        )
        .bind(step)
        .bind(id)
        .bind(checked_pending)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records the step of an accepted code, unless a later or equal one was
    /// accepted already; `false` then (the code was replayed).
    pub async fn use_totp_step(&self, id: &StaffId, step: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE staff SET totp_last_step = $1
             WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Seals the TOTP secrets an older version kept in clear, so that none is
    /// left readable in the database; returns how many it sealed.
    pub async fn seal_plain_totp_secrets(&self, key: &TotpKey) -> Result<u64, sqlx::Error> {
        let rows = self.stored_totp_secrets().await?;
        let mut sealed_count = 0;
        for StoredTotp {
            id,
            totp_secret,
            totp_pending,
        } in rows
        {
            for (column, stored) in [("totp_secret", totp_secret), ("totp_pending", totp_pending)] {
                let Some(plain) = stored.filter(|stored| !TotpKey::is_sealed(stored)) else {
                    continue;
                };
                let sealed = key
                    .seal(&id, &plain)
                    .map_err(|error| sqlx::Error::Protocol(format!("no randomness: {error}")))?;
                // Only if it is still the same value: a login may have changed it.
                let updated = sqlx::query(&format!(
                    "UPDATE staff SET {column} = $1 WHERE id = $2 AND {column} = $3"
                ))
                .bind(sealed)
                .bind(&id)
                .bind(plain)
                .execute(&self.pool)
                .await?;
                sealed_count += updated.rows_affected();
            }
        }
        if sealed_count > 0 {
            self.flush_deleted_pages().await?;
        }
        Ok(sealed_count)
    }

    /// Whether `key` opens the sealed TOTP secrets already stored (checked on one
    /// of them; `true` if there are none): a server started with the wrong or a
    /// new key file would otherwise lock every member with TOTP out.
    pub async fn totp_key_opens_stored_secrets(&self, key: &TotpKey) -> Result<bool, sqlx::Error> {
        let rows = self.stored_totp_secrets().await?;
        let sealed = rows.into_iter().find_map(|row| {
            [row.totp_secret, row.totp_pending]
                .into_iter()
                .flatten()
                .find(|stored| TotpKey::is_sealed(stored))
                .map(|stored| (row.id, stored))
        });
        Ok(sealed.is_none_or(|(id, stored)| key.open(&id, &stored).is_some()))
    }

    /// Every account's stored TOTP secret and pending secret, where either is set.
    async fn stored_totp_secrets(&self) -> Result<Vec<StoredTotp>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, totp_secret, totp_pending FROM staff
             WHERE totp_secret IS NOT NULL OR totp_pending IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await
    }
}
