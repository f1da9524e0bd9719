//! The audit log's hash chains: one per business, and one (key `""`) for
//! entries without a business. Each entry stores the hash of the entry before
//! it in its chain, so that a database owner who gets past the append-only
//! triggers and edits, deletes or reorders entries breaks a link that
//! [`Storage::verify_audit`] finds (docs/THREATS.md R27 defines the hash).
//! Verifying is in [`super::audit_verify`], retention in [`super::audit_sweep`].
//!
//! A chain's row in `audit_chains` holds its head (the newest entry's hash) and
//! its anchor (what the oldest remaining entry links to: [`GENESIS`], or the
//! hash of the last entry retention deleted). Appending locks that row, so two
//! writers can never link to the same head.

use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use super::{Backend, Storage};

/// What the first entry of a chain links to.
pub const GENESIS: [u8; 32] = [0; 32];

/// The domain separator that starts every hashed encoding.
const DOMAIN: &[u8] = b"sealbook/v1 audit\0";

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

pub(super) fn hash_from(bytes: Vec<u8>) -> Result<[u8; 32], sqlx::Error> {
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

/// The columns of a [`ChainEntry`].
pub(super) const CHAIN_COLUMNS: &str =
    "seq, id, business, at, staff_id, session, action, booking_id, detail, prev_hash";

/// An entry as stored, with its place (`seq`) and its link (`prev_hash`).
#[derive(sqlx::FromRow)]
pub(super) struct ChainEntry {
    pub(super) seq: i64,
    pub(super) id: String,
    pub(super) business: Option<String>,
    pub(super) at: i64,
    pub(super) staff_id: Option<String>,
    pub(super) session: Option<String>,
    pub(super) action: String,
    pub(super) booking_id: Option<String>,
    pub(super) detail: String,
    /// None only until [`Storage::link_unlinked_audit`] links an entry older
    /// than the chains.
    pub(super) prev_hash: Option<Vec<u8>>,
}

impl ChainEntry {
    /// The columns its hash covers.
    pub(super) fn linked(&self) -> Linked<'_> {
        Linked {
            id: &self.id,
            business: self.business.as_deref(),
            at: self.at,
            staff_id: self.staff_id.as_deref(),
            session: self.session.as_deref(),
            action: &self.action,
            booking_id: self.booking_id.as_deref(),
            detail: &self.detail,
        }
    }
}

/// The columns of a [`ChainRecordRow`].
pub(super) const CHAIN_RECORD_COLUMNS: &str = "chain, head, anchor, swept";

/// A chain's row in `audit_chains`.
#[derive(sqlx::FromRow)]
pub(super) struct ChainRecordRow {
    pub(super) chain: String,
    /// The newest entry's hash.
    pub(super) head: Vec<u8>,
    /// What the oldest remaining entry links to.
    pub(super) anchor: Vec<u8>,
    /// How many entries retention deleted before the anchor.
    pub(super) swept: i64,
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
        let rows: Vec<ChainEntry> = sqlx::query_as(&format!(
            "SELECT {CHAIN_COLUMNS} FROM audit WHERE prev_hash IS NULL ORDER BY seq"
        ))
        .fetch_all(&mut *transaction)
        .await?;
        let mut heads: std::collections::BTreeMap<String, [u8; 32]> = Default::default();
        for row in &rows {
            let chain = chain_of(row.business.as_deref()).to_owned();
            let prev = match heads.get(&chain) {
                Some(head) => *head,
                None => lock_chain(&mut transaction, &chain).await?,
            };
            sqlx::query("UPDATE audit SET prev_hash = $1 WHERE seq = $2")
                .bind(&prev[..])
                .bind(row.seq)
                .execute(&mut *transaction)
                .await?;
            heads.insert(chain, entry_hash(&prev, &row.linked()));
        }
        for (chain, head) in &heads {
            set_head(&mut transaction, chain, head).await?;
        }
        transaction.commit().await
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
