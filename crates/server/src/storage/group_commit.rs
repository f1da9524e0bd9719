//! Group commit. A durable commit costs one fsync (milliseconds on most
//! disks), and one business's bookings are written one after another (SQLite
//! has one writer; PostgreSQL takes the business's advisory lock), so
//! committing each booking on its own caps a business at a few hundred bookings
//! per second. Here, bookings that arrive while a batch is open join it: each
//! runs in arrival order, so it sees every booking before it (capacity stays
//! exact), and the last one in commits them all with one fsync. No booking is
//! acknowledged before the COMMIT that makes it durable.
//!
//! A member refuses only before it writes its booking (a client over its
//! allowance per minute or its share of the time, a full slot, a replay, an
//! idempotency key used for another request, a cancel token another booking
//! holds), so a refusal leaves the batch as it found it. The one thing a
//! refused member may leave in it is what it took from the client's
//! allowances on PostgreSQL before a later refusal: an attempt counts,
//! whatever its answer (on SQLite the allowances are kept in memory, outside
//! any transaction, and count even if the batch rolls back; on PostgreSQL the
//! rate-limit middleware counts the per-minute allowance again for a request
//! answered with a server error, but not for one refused after its takes
//! whose batch a later member spoils: that needs a database error in the
//! batch, and the refusal's answer stands). A member
//! that fails
//! otherwise may have written half a booking, and on PostgreSQL any failed
//! statement spoils the transaction: the whole batch is rolled back and every
//! member told. This costs nothing in the common case, where a savepoint around
//! each member cost two statements, each a round trip on the one writer every
//! booking waits for.
//!
//! SQLite has one batch for the whole database (its one writer); PostgreSQL
//! one per business, each batch's transaction holding that business's lock, so
//! different businesses commit side by side.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sqlx::{Any, AnyConnection, Transaction};
use tokio::sync::{Mutex, watch};

/// Bookings per transaction, at most: bounds the time the write lock is held.
const MAX_BATCH: usize = 64;

/// How long a member waits for its batch's commit before committing it itself.
/// Only a member that leaves early (its request dropped) makes this necessary.
const COMMIT_PATIENCE: Duration = Duration::from_millis(20);

/// What became of a batch; errors are shared by every member, so they are text.
type Outcome = Result<(), Arc<str>>;

/// An error a member's work returns.
pub(super) trait MemberError: From<sqlx::Error> {
    /// Whether the batch can no longer be trusted: the member may have written
    /// before it failed, or (on PostgreSQL) a failed statement aborted the
    /// transaction. A refusal decided before the booking's write is not.
    fn spoils_batch(&self) -> bool;
}

/// The batch being filled, if any, and who is waiting to join.
#[derive(Debug, Default)]
pub(super) struct GroupCommit {
    open: Mutex<Option<Batch>>,
    /// Members waiting for [`GroupCommit::open`]: while there are any, the
    /// member inside leaves the commit to them.
    queued: AtomicUsize,
}

#[derive(Debug)]
struct Batch {
    transaction: Transaction<'static, Any>,
    members: usize,
    /// Set while a member's work runs: still set when the next member arrives
    /// means that member's request was dropped half-way, and nothing in the
    /// batch can be trusted.
    member_inside: bool,
    outcome: Arc<watch::Sender<Option<Outcome>>>,
}

/// Counts a member as queued until it holds the lock (or is dropped).
struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    fn enter(counter: &'a AtomicUsize) -> Self {
        counter.fetch_add(1, Ordering::AcqRel);
        Self(counter)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl GroupCommit {
    /// Runs `work` inside the open batch (opening one with `begin` if needed:
    /// a transaction that holds the write lock) and returns its result once the
    /// batch is durable. An error from `work` is returned at once; one that
    /// [spoils the batch](MemberError::spoils_batch) rolls the batch back first.
    pub(super) async fn run<T, E: MemberError>(
        &self,
        begin: impl AsyncFnOnce() -> Result<Transaction<'static, Any>, sqlx::Error>,
        work: impl AsyncFnOnce(&mut AnyConnection) -> Result<T, E>,
    ) -> Result<T, E> {
        let queued = Queued::enter(&self.queued);
        let mut open = self.open.lock().await;
        drop(queued);
        if open.as_ref().is_some_and(|batch| batch.member_inside) {
            abandon(&mut open, "a request left its batch half-way").await;
        }
        if open.is_none() {
            *open = Some(Batch {
                transaction: begin().await?,
                members: 0,
                member_inside: false,
                outcome: Arc::new(watch::channel(None).0),
            });
        }
        let batch = open.as_mut().expect("a batch is open");
        batch.members += 1;
        batch.member_inside = true;
        let result = work(&mut batch.transaction).await;
        if let Err(error) = &result
            && error.spoils_batch()
        {
            abandon(&mut open, "another booking of its batch failed").await;
            return result;
        }
        batch.member_inside = false;
        let channel = Arc::clone(&batch.outcome);
        let mut outcome = channel.subscribe();
        let last_in = self.queued.load(Ordering::Acquire) == 0 || batch.members >= MAX_BATCH;
        if last_in {
            commit(&mut open).await;
        }
        drop(open);
        let value = result?;
        self.wait_for_commit(&channel, &mut outcome)
            .await
            .map_err(|message| sqlx::Error::Io(std::io::Error::other(message.to_string())))?;
        Ok(value)
    }

    /// Waits until the batch behind `outcome` is committed or rolled back; if
    /// nobody commits it in time, commits it.
    async fn wait_for_commit(
        &self,
        channel: &Arc<watch::Sender<Option<Outcome>>>,
        outcome: &mut watch::Receiver<Option<Outcome>>,
    ) -> Outcome {
        loop {
            if let Some(done) = outcome.borrow_and_update().clone() {
                return done;
            }
            match tokio::time::timeout(COMMIT_PATIENCE, outcome.changed()).await {
                Ok(Ok(())) => continue,
                Ok(Err(_)) => return Err("the batch ended without an outcome".into()),
                Err(_) => {
                    let mut open = self.open.lock().await;
                    let still_ours = open.as_ref().is_some_and(|batch| {
                        !batch.member_inside && Arc::ptr_eq(&batch.outcome, channel)
                    });
                    if still_ours {
                        commit(&mut open).await;
                    }
                }
            }
        }
    }
}

/// Commits the open batch and tells its members.
async fn commit(open: &mut Option<Batch>) {
    if let Some(batch) = open.take() {
        let outcome = batch
            .transaction
            .commit()
            .await
            .map_err(|error| Arc::from(error.to_string()));
        batch.outcome.send_replace(Some(outcome));
    }
}

/// Rolls the open batch back and tells its members why.
async fn abandon(open: &mut Option<Batch>, why: &str) {
    if let Some(batch) = open.take() {
        // Rolling back may fail too; the members learn the batch is gone either way.
        let _ = batch.transaction.rollback().await;
        batch.outcome.send_replace(Some(Err(Arc::from(why))));
    }
}
