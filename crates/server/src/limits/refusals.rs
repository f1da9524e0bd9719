//! Refusals remembered in this process: once the shared table has refused a
//! client, asking it again before the wait it gave is over can only be refused
//! again (other processes' takes only push the bucket further), so the answer
//! comes from memory. A client that keeps knocking then costs the database
//! nothing until it may be let in. (Should a PostgreSQL crash empty the
//! table meanwhile, the client still waits out the wait it was given.)

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Clients remembered at most, per limit; past it, the expired ones are
/// dropped, and a refusal that still finds no room is not remembered (the
/// table answers it).
const MAX_REMEMBERED: usize = 65_536;

/// How often a full memory is searched for expired refusals at most: the
/// search holds the lock every check takes, for the whole map.
const PURGE_INTERVAL: Duration = Duration::from_secs(1);

#[derive(Debug, Default)]
pub(super) struct Refusals<K> {
    until: Mutex<Remembered<K>>,
}

#[derive(Debug)]
struct Remembered<K> {
    until: HashMap<K, Instant>,
    /// When a full memory may next be searched for expired refusals.
    next_purge: Option<Instant>,
}

impl<K> Default for Remembered<K> {
    fn default() -> Self {
        Self {
            until: HashMap::new(),
            next_purge: None,
        }
    }
}

impl<K: std::hash::Hash + Eq + Copy> Refusals<K> {
    /// How long `key` is still refused for, if it is.
    pub(super) fn wait(&self, key: &K, now: Instant) -> Option<Duration> {
        let until = self.lock().until.get(key).copied()?;
        until
            .checked_duration_since(now)
            .filter(|wait| !wait.is_zero())
    }

    /// Remembers that `key` was refused for `wait` by a statement sent at
    /// `sent` (or by a request that entered before it): the database decided
    /// after that, so the client is never refused here past the time the
    /// table would let it in.
    pub(super) fn remember_refusal(&self, key: K, sent: Instant, wait: Duration) {
        self.remember(key, sent + wait, Instant::now());
    }

    /// Remembers that `key` is refused until `until`.
    fn remember(&self, key: K, until: Instant, now: Instant) {
        let mut remembered = self.lock();
        if remembered.until.len() >= MAX_REMEMBERED && !remembered.until.contains_key(&key) {
            if remembered.next_purge.is_some_and(|next| now < next) {
                return;
            }
            remembered.until.retain(|_, until| *until > now);
            remembered.next_purge = Some(now + PURGE_INTERVAL);
            if remembered.until.len() >= MAX_REMEMBERED {
                return;
            }
        }
        let entry = remembered.until.entry(key).or_insert(until);
        *entry = (*entry).max(until);
    }

    /// Forgets the refusals that are over.
    pub(super) fn forget_expired(&self, now: Instant) {
        let mut remembered = self.lock();
        remembered.until.retain(|_, until| *until > now);
        remembered.until.shrink_to_fit();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Remembered<K>> {
        self.until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::{MAX_REMEMBERED, Refusals};

    #[test]
    fn a_refusal_holds_until_its_wait_is_over_and_no_longer() {
        let refusals = Refusals::<u32>::default();
        let start = Instant::now();
        refusals.remember(1, start + Duration::from_secs(6), start);
        assert_eq!(refusals.wait(&1, start), Some(Duration::from_secs(6)));
        assert_eq!(
            refusals.wait(&1, start + Duration::from_secs(5)),
            Some(Duration::from_secs(1))
        );
        assert_eq!(refusals.wait(&1, start + Duration::from_secs(6)), None);
        assert_eq!(refusals.wait(&2, start), None, "another client");
        // An earlier end never shortens a refusal already known.
        refusals.remember(1, start + Duration::from_secs(2), start);
        assert_eq!(refusals.wait(&1, start), Some(Duration::from_secs(6)));
        refusals.forget_expired(start + Duration::from_secs(7));
        assert!(refusals.lock().until.is_empty());
    }

    #[test]
    fn memory_stays_bounded_and_expired_refusals_make_room() {
        let refusals = Refusals::<usize>::default();
        let start = Instant::now();
        let soon = start + Duration::from_millis(100);
        let later = start + Duration::from_secs(60);
        for key in 0..MAX_REMEMBERED {
            refusals.remember(key, soon, start);
        }
        // Full of live refusals: a new one is left to the table.
        refusals.remember(MAX_REMEMBERED, later, start);
        assert_eq!(refusals.wait(&MAX_REMEMBERED, start), None);
        assert_eq!(refusals.lock().until.len(), MAX_REMEMBERED);
        // Those are over now, but the map was searched less than a purge
        // interval ago: not searched again yet.
        let soon_after = start + Duration::from_millis(500);
        refusals.remember(MAX_REMEMBERED, later, soon_after);
        assert_eq!(refusals.wait(&MAX_REMEMBERED, soon_after), None);
        // A purge interval on, the expired ones make room.
        let after = start + Duration::from_secs(2);
        refusals.remember(MAX_REMEMBERED, later, after);
        assert_eq!(
            refusals.wait(&MAX_REMEMBERED, after),
            Some(Duration::from_secs(58))
        );
        assert_eq!(refusals.lock().until.len(), 1);
    }
}
