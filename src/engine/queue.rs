//! The pending-event set: a radix heap keyed by time, with ties kept in scheduling
//! order.
//!
//! Why a radix heap: in a discrete-event simulation the keys that come out of the
//! queue never decrease (nothing is scheduled before the clock). A radix heap exploits
//! that *monotonicity*: an entry sits in bucket `b` = the position of the highest bit in
//! which its time differs from the last time popped. Pushing is O(1) (one XOR, one
//! leading-zeros count, one `Vec::push`); popping scans the lowest non-empty bucket
//! for its minimum and redistributes it into lower buckets. Each entry moves down at
//! most once per bucket level and every move is a sequential scan, so at large queue
//! sizes it touches far fewer cache lines than a binary heap's random walk down the tree.
//! `benches/engine.rs` measures it against `std::collections::BinaryHeap` in one run.
//!
//! The key is the time alone (64 bits), not `(time, seq)`: entries due at the time
//! popped last wait in `front`, a FIFO. Entries with equal times always share a
//! bucket (the bucket is a function of the time), and they stay in scheduling order
//! without sorting: a push appends (its sequence number is the largest yet), and
//! every move (a refill, a rebase) walks its source in order. So equal times come out
//! in scheduling order (FIFO), and ties cost nothing where a `(time, seq)` key would
//! spend refills on the sequence bits.
//!
//! Storage: the bucket `Vec`s keep their capacity, so once they have grown to the
//! run's working size, pushing and popping allocate nothing.
//!
//! Few pending events: while at most [`SMALL`] are pending, they sit in one short
//! `Vec` sorted latest first, so a pop is a `Vec::pop` and a push a branch-free count
//! and a short shift, where the radix heap would spend a refill on every pop. An M/M/c
//! queue has c + 1 events pending at most; the corridor's models have hundreds. The
//! queue moves to the radix heap when a push would exceed [`SMALL`] and back when a
//! pop leaves [`SMALL`] / 4 or fewer (the gap keeps a queue hovering at one size from
//! moving at every event). Both keep ties in scheduling order, so the order of events
//! never depends on which is in use.
//!
//! Monotonicity is guaranteed for pops; a *peek* may look ahead past the clock (the
//! run loop peeks to decide whether the next event is beyond an end time). If an entry
//! earlier than the peeked one is then pushed, the queue re-buckets itself around the
//! new minimum — O(n), but at most once per bounded run.

use super::time::SimTime;
use std::collections::VecDeque;

/// One pending event with its ordering key.
#[derive(Debug, Clone)]
pub(crate) struct Entry<E> {
    /// When the event fires.
    pub(crate) time: SimTime,
    /// Scheduling order; breaks ties between equal times (FIFO).
    pub(crate) seq: u64,
    /// The model's event payload.
    pub(crate) event: E,
}

impl<E> Entry<E> {
    #[inline(always)]
    fn key(&self) -> u64 {
        self.time.as_millis()
    }
}

/// Buckets 1..=64: bucket b holds the entries whose time differs from `last` first in
/// bit b − 1 (index 0 is unused: those entries wait in `front`).
const BUCKETS: usize = 65;

/// The most pending entries kept in the short sorted `Vec`.
pub(crate) const SMALL: usize = 16;

#[inline(always)]
fn bucket_of(key: u64, last: u64) -> usize {
    (64 - (key ^ last).leading_zeros()) as usize
}

/// A monotone priority queue of [`Entry`] ordered by `(time, seq)`.
#[derive(Debug, Clone)]
pub(crate) struct EventQueue<E> {
    /// Whether every entry is in `small` (otherwise all are in `front` and `buckets`).
    is_small: bool,
    /// With few entries, all of them, ordered by `(time, seq)` from the last to pop to
    /// the next.
    small: Vec<Entry<E>>,
    /// Entries due at `last`, in scheduling order.
    front: VecDeque<Entry<E>>,
    buckets: Vec<Vec<Entry<E>>>,
    /// Bit b − 1 is set when bucket b (b ≥ 1) is non-empty.
    occupied: u64,
    last: u64,
    len: usize,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub(crate) fn new() -> Self {
        EventQueue {
            is_small: true,
            small: Vec::with_capacity(SMALL),
            front: VecDeque::new(),
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            occupied: 0,
            last: 0,
            len: 0,
        }
    }

    /// An empty queue; `capacity` is a hint for the expected number of pending events.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        let mut q = Self::new();
        // Entries cluster in the buckets just above the typical delay's bit length;
        // giving every bucket a share avoids most growth during warm-up.
        let share = capacity / 8;
        if share > 0 {
            q.front.reserve(share);
            q.buckets.iter_mut().skip(1).take(40).for_each(|b| b.reserve(share));
        }
        q
    }

    /// Number of pending entries.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Adds an entry. Its `seq` must be larger than that of every entry pushed before.
    #[inline]
    pub(crate) fn push(&mut self, entry: Entry<E>) {
        let key = entry.key();
        if self.is_small && self.len < SMALL {
            // After every entry due later; before those due at the same time or
            // earlier, which were scheduled first and pop first. A branch-free count:
            // with so few entries it beats a binary search, whose branches a random key
            // mispredicts.
            let at = self.small.iter().map(|e| usize::from(e.key() > key)).sum();
            self.small.insert(at, entry);
            self.len += 1;
            return;
        }
        self.push_to_radix(key, entry);
    }

    /// [`EventQueue::push`] into the radix heap, moving there first if need be; a
    /// function of its own so that the short path stays small enough to inline into the
    /// models' handlers (as `perf` showed for `examples/mmc`).
    fn push_to_radix(&mut self, key: u64, entry: Entry<E>) {
        if self.is_small {
            self.move_to_radix();
        }
        if key < self.last {
            self.rebase(key);
        }
        self.insert(key, entry);
        self.len += 1;
    }

    #[inline(always)]
    fn insert(&mut self, key: u64, entry: Entry<E>) {
        let b = bucket_of(key, self.last);
        if b == 0 {
            self.front.push_back(entry);
        } else {
            self.occupied |= 1u64 << (b - 1);
            self.buckets[b].push(entry);
        }
    }

    /// The earliest entry, if any. May reorganise buckets (hence `&mut`).
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<&Entry<E>> {
        if self.is_small {
            return self.small.last();
        }
        self.fill_front();
        self.front.front()
    }

    /// Moves the earliest entries to `front` if it is empty and anything is pending.
    #[inline(always)]
    fn fill_front(&mut self) {
        if self.front.is_empty() && self.len > 0 {
            self.refill();
        }
    }

    /// Removes and returns the earliest entry (smallest `(time, seq)`).
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<Entry<E>> {
        if self.is_small {
            let entry = self.small.pop()?;
            self.len -= 1;
            return Some(entry);
        }
        self.fill_front();
        let entry = self.front.pop_front()?;
        self.len -= 1;
        if self.len <= SMALL / 4 {
            self.move_to_small();
        }
        Some(entry)
    }

    /// Moves the short sorted `Vec`'s entries into the radix heap, around the earliest.
    #[cold]
    fn move_to_radix(&mut self) {
        self.is_small = false;
        self.last = self.small.last().map_or(0, Entry::key);
        // Earliest first, so entries due at one time arrive in scheduling order.
        while let Some(entry) = self.small.pop() {
            let key = entry.key();
            self.insert(key, entry);
        }
    }

    /// Moves the radix heap's few entries into the short sorted `Vec`.
    #[cold]
    fn move_to_small(&mut self) {
        self.is_small = true;
        self.small.extend(self.front.drain(..));
        for bucket in &mut self.buckets {
            self.small.append(bucket);
        }
        self.occupied = 0;
        self.small.sort_unstable_by_key(|e| std::cmp::Reverse((e.key(), e.seq)));
    }

    /// Removes and returns the earliest entry if it is due at or before `until`.
    #[inline]
    pub(crate) fn pop_due(&mut self, until: SimTime) -> Option<Entry<E>> {
        if self.peek()?.time > until {
            return None;
        }
        self.pop()
    }

    /// Moves the lowest non-empty bucket down around its minimum, whose entries land
    /// in `front`.
    #[inline]
    fn refill(&mut self) {
        debug_assert!(self.occupied != 0, "len > 0 but no bucket occupied");
        let b = self.occupied.trailing_zeros() as usize + 1;
        self.occupied &= !(1u64 << (b - 1));
        if self.buckets[b].len() == 1 {
            // The common case at small queue sizes: the one entry is the minimum.
            let only = self.buckets[b].pop().expect("occupied bucket is non-empty");
            self.last = only.key();
            self.front.push_back(only);
            return;
        }
        let mut bucket = std::mem::take(&mut self.buckets[b]);
        self.last = bucket.iter().map(Entry::key).min().expect("occupied bucket is non-empty");
        for entry in bucket.drain(..) {
            let key = entry.key();
            self.insert(key, entry);
        }
        // Hand the emptied vector back so its capacity is reused.
        self.buckets[b] = bucket;
    }

    /// Re-buckets everything around a new, smaller `last` (see the module docs).
    #[cold]
    fn rebase(&mut self, new_last: u64) {
        let mut all: Vec<Entry<E>> = Vec::with_capacity(self.len);
        all.extend(self.front.drain(..));
        for bucket in &mut self.buckets {
            all.append(bucket);
        }
        self.occupied = 0;
        self.last = new_last;
        for entry in all {
            let key = entry.key();
            self.insert(key, entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn entry(time: u64, seq: u64) -> Entry<u64> {
        Entry { time: SimTime::from_millis(time), seq, event: seq }
    }

    #[test]
    fn pops_in_time_then_sequence_order() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut q = EventQueue::new();
        let mut expected = Vec::new();
        for seq in 0..5_000u64 {
            let t = rng.random_range(0..200u64);
            q.push(entry(t, seq));
            expected.push((t, seq));
        }
        expected.sort();
        let got: Vec<_> = std::iter::from_fn(|| q.pop()).map(|e| (e.time.as_millis(), e.seq)).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn monotone_push_pop_matches_sorted_reference() {
        // Like a simulation: new keys are never below the last popped time.
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut q = EventQueue::new();
        let mut reference = std::collections::BTreeSet::new();
        let (mut seq, mut now) = (0, 0);
        for _ in 0..50_000 {
            if rng.random_bool(0.55) || reference.is_empty() {
                let t = now + rng.random_range(0..1_000u64);
                q.push(entry(t, seq));
                reference.insert((t, seq));
                seq += 1;
            } else {
                let e = q.pop().unwrap();
                let r = reference.pop_first().unwrap();
                assert_eq!((e.time.as_millis(), e.seq), r);
                now = r.0;
            }
            assert_eq!(q.len(), reference.len());
        }
    }

    #[test]
    fn moving_between_the_short_vec_and_the_radix_heap_keeps_the_order() {
        // The number pending wanders across both thresholds again and again, with many
        // equal times, so every move happens with ties on both sides of it.
        let mut rng = ChaCha8Rng::seed_from_u64(23);
        let mut q = EventQueue::new();
        let mut reference = std::collections::BTreeSet::new();
        let (mut seq, mut now, mut moves, mut was_small) = (0, 0, 0, true);
        for step in 0..200_000 {
            let target = if (step / 500) % 2 == 0 { 3 * SMALL } else { 1 };
            let push =
                reference.is_empty() || (reference.len() < target && rng.random_bool(0.7)) || rng.random_bool(0.3);
            if push {
                let t = now + rng.random_range(0..4u64) * 1_000;
                q.push(entry(t, seq));
                reference.insert((t, seq));
                seq += 1;
            } else {
                let peeked = q.peek().map(|e| (e.time.as_millis(), e.seq));
                let e = q.pop().unwrap();
                let r = reference.pop_first().unwrap();
                assert_eq!(peeked, Some(r));
                assert_eq!((e.time.as_millis(), e.seq), r);
                now = r.0;
            }
            assert_eq!(q.len(), reference.len());
            moves += usize::from(q.is_small != was_small);
            was_small = q.is_small;
            assert!(!q.is_small || q.len() <= SMALL);
        }
        assert!(moves > 100, "the queue moved between its two forms only {moves} times");
    }

    #[test]
    fn push_below_a_peeked_key_is_still_ordered() {
        let mut q = EventQueue::new();
        q.push(entry(100, 0));
        q.push(entry(300, 1));
        assert_eq!(q.peek().unwrap().time.as_millis(), 100);
        q.push(entry(50, 2)); // earlier than the peeked minimum: forces a rebase
        q.push(entry(200, 3));
        let got: Vec<u64> = std::iter::from_fn(|| q.pop()).map(|e| e.time.as_millis()).collect();
        assert_eq!(got, vec![50, 100, 200, 300]);
    }

    #[test]
    fn a_rebase_keeps_equal_times_in_scheduling_order() {
        // Ties spread over several buckets and `front`, then a push below the peeked
        // minimum gathers them all and buckets them again.
        let mut q = EventQueue::new();
        let mut seq = 0;
        for t in [40, 900, 40, 5_000, 900, 40, 5_000] {
            q.push(entry(t, seq));
            seq += 1;
        }
        assert_eq!(q.peek().unwrap().seq, 0);
        for t in [10, 900, 10, 40] {
            q.push(entry(t, seq));
            seq += 1;
        }
        let got: Vec<(u64, u64)> = std::iter::from_fn(|| q.pop()).map(|e| (e.time.as_millis(), e.seq)).collect();
        let mut expected = got.clone();
        expected.sort();
        assert_eq!(got, expected);
        assert_eq!(got.len(), 11);
    }

    #[test]
    fn owns_and_drops_non_copy_payloads_exactly_once() {
        use std::rc::Rc;
        let token = Rc::new(());
        let mut q = EventQueue::new();
        for seq in 0..100u64 {
            q.push(Entry { time: SimTime::from_millis(100 + seq * 7 % 13), seq, event: Rc::clone(&token) });
        }
        for _ in 0..50 {
            drop(q.pop());
        }
        assert_eq!(Rc::strong_count(&token), 51);
        drop(q);
        assert_eq!(Rc::strong_count(&token), 1);
    }

    #[test]
    fn storage_is_bounded_by_the_peak_number_pending() {
        let mut q = EventQueue::new();
        let mut seq = 0;
        for round in 0..1_000u64 {
            for i in 0..64 {
                q.push(entry(round * 1_000 + (i * 37) % 500, seq));
                seq += 1;
            }
            while q.pop().is_some() {}
        }
        assert!(q.buckets.iter().all(|b| b.capacity() <= 64), "a bucket grew beyond the peak");
    }
}
