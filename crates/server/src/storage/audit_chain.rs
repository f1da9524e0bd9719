//! The audit log's hash chains: one per business, and one (key `""`) for
//! entries without a business. Each entry stores the hash of the entry before
//! it in its chain, so that a database owner who gets past the append-only
//! triggers and edits, deletes or reorders entries breaks a link that
//! [`Storage::verify_audit`] finds (docs/THREATS.md R27 defines the hash).
//!
//! A chain's row in `audit_chains` holds its head (the newest entry's hash) and
//! its anchor (what the oldest remaining entry links to: [`GENESIS`], or the
//! hash of the last entry retention deleted). Appending locks that row, so two
//! writers can never link to the same head.

use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use super::{Backend, Storage};
use crate::ids::BusinessId;

/// What the first entry of a chain links to.
pub const GENESIS: [u8; 32] = [0; 32];

/// The domain separator that starts every hashed encoding.
const DOMAIN: &[u8] = b"sealbook/v1 audit\0";

/// How many entries a walk reads at a time.
const PAGE: i64 = 500;

/// The PostgreSQL advisory lock that serialises linking old entries when
/// several servers start at once (any constant: it only has to be the same in
/// every server).
const LINK_LOCK: i64 = 0x5345_414c_4155_4454;

/// The columns of an entry that its hash covers.
#[derive(Debug, Clone, Copy)]
pub(super) struct Linked<'a> {
    pub id: &'a str,
    pub business: Option<&'a str>,
    pub at: i64,
    pub staff_id: Option<&'a str>,
    pub session: Option<&'a str>,
    pub action: &'a str,
    pub booking_id: Option<&'a str>,
    pub detail: &'a str,
}

fn put_text(out: &mut Vec<u8>, text: &str) {
    let length = u64::try_from(text.len()).expect("a length fits in 64 bits");
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(text.as_bytes());
}

fn put_optional(out: &mut Vec<u8>, text: Option<&str>) {
    match text {
        None => out.push(0),
        Some(text) => {
            out.push(1);
            put_text(out, text);
        }
    }
}

/// `entry_hash = SHA-256("sealbook/v1 audit" ‖ 0x00 ‖ prev_hash ‖ text(id) ‖
/// opt(business) ‖ i64-BE(at) ‖ opt(staff_id) ‖ opt(session) ‖ text(action) ‖
/// opt(booking_id) ‖ text(detail))`, where `text(s) = u64-BE(len(s)) ‖ s` (UTF-8)
/// and `opt` is `0x00` for none, `0x01 ‖ text(s)` for some — docs/THREATS.md R27.
/// The storage order (`seq`) is not covered: the links themselves fix the order,
/// and a copy into another database keeps them valid.
pub(super) fn entry_hash(prev: &[u8; 32], entry: &Linked<'_>) -> [u8; 32] {
    let mut encoded = Vec::with_capacity(256);
    encoded.extend_from_slice(DOMAIN);
    encoded.extend_from_slice(prev);
    put_text(&mut encoded, entry.id);
    put_optional(&mut encoded, entry.business);
    encoded.extend_from_slice(&entry.at.to_be_bytes());
    put_optional(&mut encoded, entry.staff_id);
    put_optional(&mut encoded, entry.session);
    put_text(&mut encoded, entry.action);
    put_optional(&mut encoded, entry.booking_id);
    put_text(&mut encoded, entry.detail);
    Sha256::digest(&encoded).into()
}

/// The chain an entry of `business` belongs to.
pub(super) fn chain_of(business: Option<&str>) -> &str {
    business.unwrap_or_default()
}

fn hash_from(bytes: Vec<u8>) -> Result<[u8; 32], sqlx::Error> {
    bytes
        .try_into()
        .map_err(|_| sqlx::Error::Protocol("an audit chain hash is not 32 bytes".to_owned()))
}

/// Locks `chain`'s row (creating it at [`GENESIS`] if it is new) until the
/// transaction on `connection` ends, and returns its head.
pub(super) async fn lock_chain(
    connection: &mut AnyConnection,
    chain: &str,
) -> Result<[u8; 32], sqlx::Error> {
    // A no-op UPDATE takes PostgreSQL's row lock and SQLite's write lock, and
    // one statement does it on both; a writer that waited sees the head its
    // predecessor left.
    const LOCK: &str = "UPDATE audit_chains SET head = head WHERE chain = $1 RETURNING head";
    if let Some((head,)) = sqlx::query_as::<_, (Vec<u8>,)>(LOCK)
        .bind(chain)
        .fetch_optional(&mut *connection)
        .await?
    {
        return hash_from(head);
    }
    sqlx::query(
        "INSERT INTO audit_chains (chain, head, anchor) VALUES ($1, $2, $2)
         ON CONFLICT (chain) DO NOTHING",
    )
    .bind(chain)
    .bind(&GENESIS[..])
    .execute(&mut *connection)
    .await?;
    let (head,): (Vec<u8>,) = sqlx::query_as(LOCK)
        .bind(chain)
        .fetch_one(&mut *connection)
        .await?;
    hash_from(head)
}

/// Moves `chain`'s head, locked by [`lock_chain`] in the same transaction.
pub(super) async fn set_head(
    connection: &mut AnyConnection,
    chain: &str,
    head: &[u8; 32],
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE audit_chains SET head = $2 WHERE chain = $1")
        .bind(chain)
        .bind(&head[..])
        .execute(connection)
        .await
        .map(|_| ())
}

/// An entry as stored, with its place and its link.
type ChainRow = (
    i64,
    String,
    Option<String>,
    i64,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    String,
    Option<Vec<u8>>,
);

const CHAIN_COLUMNS: &str =
    "seq, id, business, at, staff_id, session, action, booking_id, detail, prev_hash";

fn linked(row: &ChainRow) -> Linked<'_> {
    Linked {
        id: &row.1,
        business: row.2.as_deref(),
        at: row.3,
        staff_id: row.4.as_deref(),
        session: row.5.as_deref(),
        action: &row.6,
        booking_id: row.7.as_deref(),
        detail: &row.8,
    }
}

/// The first link that does not hold, as [`Storage::verify_audit`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The entry whose link fails; none when the chain's end is what differs.
    pub entry_id: Option<String>,
    /// What differs, in words, with the hashes (base64url) involved.
    pub reason: String,
}

/// One chain, walked from its anchor to its head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// The business; none for the chain of entries without one.
    pub business: Option<BusinessId>,
    /// The entries checked.
    pub entries: u64,
    /// The entries retention deleted before the anchor.
    pub swept: u64,
    pub anchor: [u8; 32],
    pub head: [u8; 32],
    /// None when every link holds.
    pub broken: Option<BrokenLink>,
}

fn show(hash: &[u8; 32]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hash)
}

/// Where a walk stands: the hash the next entry must link to, and which entry
/// (or the anchor) produced it.
struct Walk {
    expected: [u8; 32],
    last: Option<(i64, String)>,
    entries: u64,
}

impl Walk {
    fn from(anchor: [u8; 32]) -> Self {
        Self {
            expected: anchor,
            last: None,
            entries: 0,
        }
    }

    /// Checks `row`'s link and moves past it.
    fn step(&mut self, row: &ChainRow) -> Result<(), BrokenLink> {
        let Some(prev) = row.9.as_deref() else {
            return Err(BrokenLink {
                entry_id: Some(row.1.clone()),
                reason: format!("entry {} (seq {}) has no link", row.1, row.0),
            });
        };
        if prev != self.expected {
            let before = match &self.last {
                Some((seq, id)) => format!("the entry before it, {id} (seq {seq}), hashes to"),
                None => "the chain's anchor is".to_owned(),
            };
            let prev = <[u8; 32]>::try_from(prev)
                .map_or_else(|_| "not 32 bytes".to_owned(), |hash| show(&hash));
            return Err(BrokenLink {
                entry_id: Some(row.1.clone()),
                reason: format!(
                    "entry {} (seq {}) links to {prev}, but {before} {}: an entry was edited, or entries were deleted or moved",
                    row.1,
                    row.0,
                    show(&self.expected),
                ),
            });
        }
        self.expected = entry_hash(&self.expected, &linked(row));
        self.last = Some((row.0, row.1.clone()));
        self.entries += 1;
        Ok(())
    }
}

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
    /// Links the entries written before the chains existed (migration 0008),
    /// oldest first, each to the head of its chain. Runs when the database is
    /// opened, before anything else appends.
    pub(super) async fn link_unlinked_audit(&self) -> Result<(), sqlx::Error> {
        let (unlinked,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM audit WHERE prev_hash IS NULL")
                .fetch_one(&self.pool)
                .await?;
        if unlinked == 0 {
            return Ok(());
        }
        let mut transaction = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => {
                let mut transaction = self.pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)::text")
                    .bind(LINK_LOCK)
                    .execute(&mut *transaction)
                    .await?;
                transaction
            }
        };
        // Read again under the lock: another server may have linked them.
        let rows: Vec<ChainRow> = sqlx::query_as(&format!(
            "SELECT {CHAIN_COLUMNS} FROM audit WHERE prev_hash IS NULL ORDER BY seq"
        ))
        .fetch_all(&mut *transaction)
        .await?;
        let mut heads: std::collections::BTreeMap<String, [u8; 32]> = Default::default();
        for row in &rows {
            let chain = chain_of(row.2.as_deref()).to_owned();
            let prev = match heads.get(&chain) {
                Some(head) => *head,
                None => lock_chain(&mut transaction, &chain).await?,
            };
            sqlx::query("UPDATE audit SET prev_hash = $1 WHERE seq = $2")
                .bind(&prev[..])
                .bind(row.0)
                .execute(&mut *transaction)
                .await?;
            heads.insert(chain, entry_hash(&prev, &linked(row)));
        }
        for (chain, head) in &heads {
            set_head(&mut transaction, chain, head).await?;
        }
        transaction.commit().await
    }

    /// Walks every chain, or only `business`'s, from its anchor to its head.
    /// Safe while servers append: an entry that arrives during the walk is
    /// walked too.
    pub async fn verify_audit(
        &self,
        business: Option<&BusinessId>,
    ) -> Result<Vec<ChainReport>, sqlx::Error> {
        let only = business.map(|business| business.as_str());
        let mut chains: Vec<String> = sqlx::query_as::<_, (String,)>(
            "SELECT chain FROM audit_chains WHERE ($1 IS NULL OR chain = $1)
             UNION SELECT COALESCE(business, '') FROM audit WHERE ($1 IS NULL OR business = $1)",
        )
        .bind(only)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|(chain,)| chain)
        .collect();
        if let Some(only) = only
            && chains.is_empty()
        {
            chains.push(only.to_owned());
        }
        chains.sort();
        let mut reports = Vec::with_capacity(chains.len());
        for chain in chains {
            reports.push(self.verify_chain(&chain).await?);
        }
        Ok(reports)
    }

    async fn verify_chain(&self, chain: &str) -> Result<ChainReport, sqlx::Error> {
        let record = self.chain_record(chain).await?;
        let business = (!chain.is_empty()).then(|| BusinessId::new(chain));
        let (anchor, swept, mut head) = record.unwrap_or((GENESIS, 0, GENESIS));
        let mut report = ChainReport {
            business,
            entries: 0,
            swept,
            anchor,
            head,
            broken: None,
        };
        let mut walk = Walk::from(anchor);
        let mut after = i64::MIN;
        let mut head_reread = false;
        loop {
            let rows: Vec<ChainRow> = sqlx::query_as(&format!(
                "SELECT {CHAIN_COLUMNS} FROM audit
                 WHERE COALESCE(business, '') = $1 AND seq > $2 ORDER BY seq LIMIT $3"
            ))
            .bind(chain)
            .bind(after)
            .bind(PAGE)
            .fetch_all(&self.pool)
            .await?;
            if let Some(row) = rows.first()
                && record.is_none()
            {
                report.broken = Some(BrokenLink {
                    entry_id: Some(row.1.clone()),
                    reason: "the chain has entries but no record in audit_chains".to_owned(),
                });
                break;
            }
            if rows.is_empty() {
                if walk.expected == head {
                    break;
                }
                if !head_reread {
                    // An append may have landed between the last page and the
                    // head read: look once more before calling the end broken.
                    head_reread = true;
                    head = self.chain_record(chain).await?.map_or(GENESIS, |r| r.2);
                    report.head = head;
                    continue;
                }
                report.broken = Some(BrokenLink {
                    entry_id: None,
                    reason: match &walk.last {
                        Some((seq, id)) => format!(
                            "the chain's head is {}, but its newest entry, {id} (seq {seq}), hashes to {}: the newest entries were deleted, or the newest entry was edited",
                            show(&head),
                            show(&walk.expected)
                        ),
                        None => format!(
                            "the chain's head is {}, but it has no entries after its anchor {}: entries were deleted",
                            show(&head),
                            show(&walk.expected)
                        ),
                    },
                });
                break;
            }
            head_reread = false;
            for row in &rows {
                after = row.0;
                if let Err(broken) = walk.step(row) {
                    report.broken = Some(broken);
                    break;
                }
            }
            if report.broken.is_some() {
                break;
            }
        }
        report.entries = walk.entries;
        Ok(report)
    }

    /// `(anchor, swept, head)` of `chain`, if it has a record.
    async fn chain_record(
        &self,
        chain: &str,
    ) -> Result<Option<([u8; 32], u64, [u8; 32])>, sqlx::Error> {
        let row: Option<(Vec<u8>, i64, Vec<u8>)> =
            sqlx::query_as("SELECT anchor, swept, head FROM audit_chains WHERE chain = $1")
                .bind(chain)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(anchor, swept, head)| {
            Ok((
                hash_from(anchor)?,
                u64::try_from(swept).unwrap_or_default(),
                hash_from(head)?,
            ))
        })
        .transpose()
    }

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
        let due: Vec<ChainRow> = sqlx::query_as(&format!(
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
        .bind(last.0)
        .execute(&mut *transaction)
        .await?;
        let deleted =
            sqlx::query("DELETE FROM audit WHERE COALESCE(business, '') = $1 AND seq <= $2")
                .bind(chain)
                .bind(last.0)
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

#[cfg(test)]
mod tests {
    use super::{GENESIS, Linked, entry_hash};

    fn entry(detail: &str) -> Linked<'_> {
        Linked {
            id: "AAAAAAAAAAAAAAAAAAAAAA",
            business: Some("bistro"),
            at: 1_800_000_000,
            staff_id: None,
            session: Some("abcdefgh"),
            action: "opened",
            booking_id: None,
            detail,
        }
    }

    /// The encoding is frozen: `verify` must accept entries written by any
    /// earlier server. The expected value comes from an independent encoding
    /// of the definition in docs/THREATS.md R27 (Python's `hashlib` and
    /// `struct.pack('>Q', …)`), not from this code.
    #[test]
    fn the_entry_hash_is_the_documented_encoding() {
        let hash = entry_hash(&GENESIS, &entry("staff 7, \"quoted\" é"));
        let hex: String = hash.iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(
            hex,
            "93690460fe23e1ea1d4bbe807f1ff6087f44fe6e2ec32fa407cc4b8990ab6fbd"
        );
    }

    #[test]
    fn every_column_and_the_link_change_the_hash() {
        let base = entry_hash(&GENESIS, &entry("x"));
        assert_ne!(base, entry_hash(&[1; 32], &entry("x")));
        assert_ne!(base, entry_hash(&GENESIS, &entry("y")));
        let moved = Linked {
            business: None,
            ..entry("x")
        };
        assert_ne!(base, entry_hash(&GENESIS, &moved));
        // A field's end is fixed by its length: text cannot slide between fields.
        let a = Linked {
            action: "open",
            detail: "edx",
            ..entry("")
        };
        let b = Linked {
            action: "opene",
            detail: "dx",
            ..entry("")
        };
        assert_ne!(entry_hash(&GENESIS, &a), entry_hash(&GENESIS, &b));
    }
}
