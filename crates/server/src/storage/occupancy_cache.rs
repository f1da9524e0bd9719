//! Availability's copy of the capacity rows it read. The database bumps a
//! counter per business whenever a booking row changes what it holds of
//! capacity (migration 0017's triggers); availability reads the counter first,
//! then, only when it has moved since, the rows. Reading the counter first
//! makes a copy at worst newer than its counter, never older, so a change
//! made by any process between the two reads is read again next time.
//!
//! Only availability reads through it: a booking's capacity check reads the
//! rows inside its locked transaction, always.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::availability::Occupancy;
use crate::ids::BusinessId;

/// Windows kept at most, over all businesses: a month view and its neighbours
/// for a few hundred businesses, a few megabytes at the busiest.
const MAX_WINDOWS: usize = 512;

/// A window of one business: `[start, end)` in unix seconds.
type Key = (BusinessId, i64, i64);

#[derive(Debug)]
struct Copy {
    version: i64,
    rows: Arc<[Occupancy]>,
}

#[derive(Debug, Default)]
pub(super) struct OccupancyCache {
    windows: Mutex<HashMap<Key, Copy>>,
}

impl OccupancyCache {
    /// The rows of `window` as they were at `version`, if kept.
    pub(super) fn get(
        &self,
        business: &BusinessId,
        window: (i64, i64),
        version: i64,
    ) -> Option<Arc<[Occupancy]>> {
        let windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        windows
            .get(&(business.clone(), window.0, window.1))
            .filter(|copy| copy.version == version)
            .map(|copy| Arc::clone(&copy.rows))
    }

    /// Keeps `rows`, read after the counter showed `version`. The business's
    /// copies from before `version` are dropped: the counter never goes back.
    pub(super) fn put(
        &self,
        business: &BusinessId,
        window: (i64, i64),
        version: i64,
        rows: Arc<[Occupancy]>,
    ) {
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        windows.retain(|(held, _, _), copy| held != business || copy.version >= version);
        if windows.len() >= MAX_WINDOWS
            && let Some(evicted) = windows.keys().next().cloned()
        {
            windows.remove(&evicted);
        }
        windows.insert(
            (business.clone(), window.0, window.1),
            Copy { version, rows },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(party_size: u32) -> Arc<[Occupancy]> {
        Arc::from(vec![Occupancy {
            starts_at: 0,
            ends_at: 60,
            party_size,
            practitioner: None,
        }])
    }

    #[test]
    fn a_copy_serves_only_its_version_and_newer_ones_replace_it() {
        let cache = OccupancyCache::default();
        let (bistro, praxis) = (BusinessId::new("bistro"), BusinessId::new("praxis"));
        cache.put(&bistro, (0, 100), 3, rows(2));
        cache.put(&praxis, (0, 100), 1, rows(1));
        assert_eq!(
            cache.get(&bistro, (0, 100), 3).map(|r| r[0].party_size),
            Some(2)
        );
        assert!(
            cache.get(&bistro, (0, 100), 4).is_none(),
            "the counter moved"
        );
        assert!(cache.get(&bistro, (0, 200), 3).is_none(), "another window");
        cache.put(&bistro, (0, 200), 4, rows(5));
        assert!(
            cache.get(&bistro, (0, 100), 3).is_none(),
            "the business's older copies are gone"
        );
        assert_eq!(
            cache.get(&praxis, (0, 100), 1).map(|r| r[0].party_size),
            Some(1)
        );
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache = OccupancyCache::default();
        for index in 0..2 * MAX_WINDOWS {
            let business = BusinessId::new(format!("b{index}"));
            cache.put(&business, (0, 100), 1, rows(1));
        }
        let kept = cache
            .windows
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        assert!(kept <= MAX_WINDOWS, "{kept}");
    }
}
