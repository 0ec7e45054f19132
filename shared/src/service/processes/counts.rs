//! Counts over every proposal and support of a big process take a while
//! (a UNION over 300,000 supports: 200 ms on SQLite; the facets of 30,000
//! proposals: 30 ms), and every process and list page shows them. A count
//! that took long is reused for a few seconds; a quick one (small processes,
//! the tests) is always made afresh. Each server process keeps its own, and
//! a change made through this process (a proposal, a support, a moderation
//! decision, a merge) makes them old at once: the next reader counts again.
//! A change made by another server process shows within `KEPT_FOR`.
//! Whether counts are hidden is never kept: it is decided on every request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use uuid::Uuid;

/// Counts quicker than this are not kept.
const SLOW: Duration = Duration::from_millis(20);
/// How long a kept count is shown.
const KEPT_FOR: Duration = Duration::from_secs(15);

/// A process, and maybe one of its platforms.
pub(crate) type Key = (Uuid, Option<Uuid>);

/// How long one request may take to count again before another tries.
const REFRESH_FOR: Duration = Duration::from_secs(10);

/// Changes to proposals and supports made through this server process.
static CHANGES: AtomicU64 = AtomicU64::new(0);

/// The number of changes so far: taken before counting, given to `store`
/// (and by anything else made from the data, to notice it is old).
pub fn changes() -> u64 {
    CHANGES.load(Ordering::Acquire)
}

/// Proposals or supports changed: every kept count is old from now on.
pub(crate) fn changed() {
    CHANGES.fetch_add(1, Ordering::AcqRel);
}

/// A kept count: when it was counted, after how many changes, and since
/// when someone is counting it again.
struct Entry<V> {
    at: Instant,
    changes: u64,
    refreshing_since: Option<Instant>,
    value: V,
}

/// Counts of one kind, by process (and platform, or another key `K`).
pub(crate) struct Kept<V, K = Key> {
    counts: Mutex<Option<HashMap<K, Entry<V>>>>,
}

impl<V: Clone, K: std::hash::Hash + Eq> Kept<V, K> {
    /// Nothing kept yet.
    pub(crate) const fn new() -> Self {
        Self {
            counts: Mutex::new(None),
        }
    }

    /// The kept counts of `key`, if recent. Once they are old, the
    /// first caller gets `None` and counts again while the others keep
    /// getting the old counts (no stampede of the same slow query).
    pub(crate) fn fresh(&self, key: K) -> Option<V> {
        let mut counts = self.counts.lock().ok()?;
        let entry = counts.as_mut()?.get_mut(&key)?;
        let someone_counting = entry
            .refreshing_since
            .is_some_and(|since| since.elapsed() < REFRESH_FOR);
        let recent = entry.at.elapsed() < KEPT_FOR && entry.changes == changes();
        if recent || someone_counting {
            return Some(entry.value.clone());
        }
        entry.refreshing_since = Some(Instant::now());
        None
    }

    /// Keeps `value` for `key` if counting it took `took` or more;
    /// `changes` is what [`changes`] said before counting began.
    pub(crate) fn store(&self, key: K, value: &V, took: Duration, changes: u64) {
        let Ok(mut counts) = self.counts.lock() else {
            return;
        };
        let counts = counts.get_or_insert_with(HashMap::new);
        if took < SLOW {
            // Quick again: counted afresh from now on.
            counts.remove(&key);
            return;
        }
        // Bounded: old entries go when it grows.
        if counts.len() > 4096 {
            counts.retain(|_, entry| entry.at.elapsed() < KEPT_FOR);
        }
        counts.insert(
            key,
            Entry {
                at: Instant::now(),
                changes,
                refreshing_since: None,
                value: value.clone(),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_slow_counts_are_kept_and_only_for_a_while() {
        let kept: Kept<i64> = Kept::new();
        let quick = (Uuid::now_v7(), None);
        kept.store(quick, &5, Duration::from_millis(1), changes());
        assert_eq!(kept.fresh(quick), None);
        let slow = (Uuid::now_v7(), Some(Uuid::now_v7()));
        kept.store(slow, &7, Duration::from_millis(200), changes());
        assert_eq!(kept.fresh(slow), Some(7));
        // Old: the first caller counts again, the others keep the old count.
        kept.counts
            .lock()
            .unwrap()
            .as_mut()
            .unwrap()
            .get_mut(&slow)
            .unwrap()
            .at = Instant::now() - KEPT_FOR;
        assert_eq!(kept.fresh(slow), None);
        assert_eq!(kept.fresh(slow), Some(7));
        assert_eq!(kept.fresh(slow), Some(7));
        kept.store(slow, &9, Duration::from_millis(200), changes());
        assert_eq!(kept.fresh(slow), Some(9));
        // A change through this process: the next reader counts again,
        // and a count begun before the change is not kept as recent.
        let before = changes();
        changed();
        assert_eq!(kept.fresh(slow), None);
        assert_eq!(kept.fresh(slow), Some(9));
        kept.store(slow, &10, Duration::from_millis(200), before);
        assert_eq!(kept.fresh(slow), None);
        kept.store(slow, &11, Duration::from_millis(200), changes());
        assert_eq!(kept.fresh(slow), Some(11));
    }
}
