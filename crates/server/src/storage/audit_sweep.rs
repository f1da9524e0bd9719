//! Retention for the audit log: the oldest entries of each chain go, and the
//! chain's anchor moves past them so that what is left still verifies.

use super::Storage;
use super::audit_chain::{CHAIN_COLUMNS, ChainEntry, hash_from, lock_chain};
use super::audit_verify::Walk;

/// What a retention pass did to the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditSweep {
    /// Entries deleted.
    pub deleted: u64,
    /// Chains left unswept because a link in the part due for deletion does
    /// not hold: the sweeper does not delete evidence of tampering.
    pub broken: Vec<String>,
}

impl Storage {
    /// Deletes, from the oldest end of each chain, the entries made before
    /// `cutoff` (unix seconds), up to the first entry that is not; the chain's
    /// anchor becomes the hash of the last one deleted, so the rest still
    /// verifies. Each chain is checked over the part that goes first, and a
    /// chain where a link fails there is left whole (and named in the result).
    pub async fn sweep_audit(&self, cutoff: i64) -> Result<AuditSweep, sqlx::Error> {
        let chains: Vec<(String,)> =
            sqlx::query_as("SELECT chain FROM audit_chains ORDER BY chain")
                .fetch_all(&self.pool)
                .await?;
        let mut outcome = AuditSweep::default();
        for (chain,) in chains {
            match self.sweep_chain(&chain, cutoff).await? {
                Some(deleted) => outcome.deleted += deleted,
                None => outcome.broken.push(chain),
            }
        }
        Ok(outcome)
    }

    /// [`Storage::sweep_audit`] for one chain: how many entries went, or none
    /// if a link failed.
    async fn sweep_chain(&self, chain: &str, cutoff: i64) -> Result<Option<u64>, sqlx::Error> {
        let mut transaction = self.pool.begin().await?;
        let head = lock_chain(&mut transaction, chain).await?;
        let (anchor,): (Vec<u8>,) =
            sqlx::query_as("SELECT anchor FROM audit_chains WHERE chain = $1")
                .bind(chain)
                .fetch_one(&mut *transaction)
                .await?;
        let kept: Option<(i64, Option<Vec<u8>>)> = sqlx::query_as(
            "SELECT seq, prev_hash FROM audit WHERE COALESCE(business, '') = $1 AND at >= $2
             ORDER BY seq LIMIT 1",
        )
        .bind(chain)
        .bind(cutoff)
        .fetch_optional(&mut *transaction)
        .await?;
        let due: Vec<ChainEntry> = sqlx::query_as(&format!(
            "SELECT {CHAIN_COLUMNS} FROM audit WHERE COALESCE(business, '') = $1 AND seq < $2
             ORDER BY seq"
        ))
        .bind(chain)
        .bind(kept.as_ref().map_or(i64::MAX, |(seq, _)| *seq))
        .fetch_all(&mut *transaction)
        .await?;
        let Some(last) = due.last() else {
            return Ok(Some(0));
        };
        let mut walk = Walk::from(hash_from(anchor)?);
        if due.iter().try_for_each(|row| walk.step(row)).is_err() {
            return Ok(None);
        }
        let next = match &kept {
            Some((_, prev)) => prev.as_deref() == Some(&walk.expected[..]),
            None => walk.expected == head,
        };
        if !next {
            return Ok(None);
        }
        // The delete trigger lets through only entries up to `deletable_to`,
        // which is back to 0 before this transaction commits.
        sqlx::query(
            "UPDATE audit_chains SET anchor = $2, swept = swept + $3, deletable_to = $4
             WHERE chain = $1",
        )
        .bind(chain)
        .bind(&walk.expected[..])
        .bind(i64::try_from(walk.entries).unwrap_or(i64::MAX))
        .bind(last.seq)
        .execute(&mut *transaction)
        .await?;
        let deleted =
            sqlx::query("DELETE FROM audit WHERE COALESCE(business, '') = $1 AND seq <= $2")
                .bind(chain)
                .bind(last.seq)
                .execute(&mut *transaction)
                .await?
                .rows_affected();
        sqlx::query("UPDATE audit_chains SET deletable_to = 0 WHERE chain = $1")
            .bind(chain)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(Some(deleted))
    }
}
