//! Verifying the audit log: each chain walked from its anchor to its head,
//! every link checked, the first one that fails reported in words.

use super::Storage;
use super::audit_chain::{
    CHAIN_COLUMNS, CHAIN_RECORD_COLUMNS, ChainEntry, ChainRecordRow, GENESIS, entry_hash, hash_from,
};
use crate::ids::BusinessId;

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
pub(super) struct Walk {
    pub(super) expected: [u8; 32],
    last: Option<(i64, String)>,
    pub(super) entries: u64,
}

impl Walk {
    pub(super) fn from(anchor: [u8; 32]) -> Self {
        Self {
            expected: anchor,
            last: None,
            entries: 0,
        }
    }

    /// Checks `row`'s link and moves past it.
    pub(super) fn step(&mut self, row: &ChainEntry) -> Result<(), BrokenLink> {
        let Some(prev) = row.prev_hash.as_deref() else {
            return Err(BrokenLink {
                entry_id: Some(row.id.clone()),
                reason: format!("entry {} (seq {}) has no link", row.id, row.seq),
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
                entry_id: Some(row.id.clone()),
                reason: format!(
                    "entry {} (seq {}) links to {prev}, but {before} {}: an entry was edited, or entries were deleted or moved",
                    row.id,
                    row.seq,
                    show(&self.expected),
                ),
            });
        }
        self.expected = entry_hash(&self.expected, &row.linked());
        self.last = Some((row.seq, row.id.clone()));
        self.entries += 1;
        Ok(())
    }
}

/// How many entries a walk reads at a time.
const PAGE: i64 = 500;

/// A chain's record in `audit_chains`, its hashes checked.
struct ChainRecord {
    anchor: [u8; 32],
    swept: u64,
    head: [u8; 32],
}

impl TryFrom<ChainRecordRow> for ChainRecord {
    type Error = sqlx::Error;

    fn try_from(row: ChainRecordRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            anchor: hash_from(row.anchor)?,
            swept: u64::try_from(row.swept).unwrap_or_default(),
            head: hash_from(row.head)?,
        })
    }
}

impl Storage {
    /// Walks every chain, or only `business`'s, from its anchor to its head.
    /// Safe while servers append: an entry that arrives during the walk is
    /// walked too.
    pub async fn verify_audit(
        &self,
        business: Option<&BusinessId>,
    ) -> Result<Vec<ChainReport>, sqlx::Error> {
        let only = business.map(BusinessId::as_str);
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
        let recorded = record.is_some();
        let business = (!chain.is_empty()).then(|| BusinessId::new(chain));
        let ChainRecord {
            anchor,
            swept,
            mut head,
        } = record.unwrap_or(ChainRecord {
            anchor: GENESIS,
            swept: 0,
            head: GENESIS,
        });
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
            let rows: Vec<ChainEntry> = sqlx::query_as(&format!(
                "SELECT {CHAIN_COLUMNS} FROM audit
                 WHERE COALESCE(business, '') = $1 AND seq > $2 ORDER BY seq LIMIT $3"
            ))
            .bind(chain)
            .bind(after)
            .bind(PAGE)
            .fetch_all(&self.pool)
            .await?;
            if let Some(row) = rows.first()
                && !recorded
            {
                report.broken = Some(BrokenLink {
                    entry_id: Some(row.id.clone()),
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
                    head = self
                        .chain_record(chain)
                        .await?
                        .map_or(GENESIS, |record| record.head);
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
                after = row.seq;
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

    /// `chain`'s record, if it has one.
    async fn chain_record(&self, chain: &str) -> Result<Option<ChainRecord>, sqlx::Error> {
        let row: Option<ChainRecordRow> = sqlx::query_as(&format!(
            "SELECT {CHAIN_RECORD_COLUMNS} FROM audit_chains WHERE chain = $1"
        ))
        .bind(chain)
        .fetch_optional(&self.pool)
        .await?;
        row.map(ChainRecord::try_from).transpose()
    }
}
