//! The space of upgrade plans, and its enumeration in ascending order of cost.
//!
//! With `n` candidates and `Y` planning years, a plan is a chain of candidate sets
//! (bit masks), one per year, each containing the one before: the set in service in
//! that year. A candidate's cost depends on the year it enters the chain. Which sets
//! are allowed in a year (rules, earliest dates, the capacity sheet) is given.
//!
//! Plans come out cheapest first by A* over the years with an exact heuristic: the
//! cheapest cost of completing a chain from each set in each year is worked out
//! backwards first (over every set and its supersets: 3^n steps a year), so each plan
//! costs about `Y` heap operations per set it could grow into, and sets that cannot be
//! completed are never visited. Each chain is produced exactly once.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Most partial plans held while enumerating, beyond which the enumeration stops
/// (about 40 bytes each: 200 MB at most).
const MAX_PARTIAL_PLANS: usize = 5_000_000;

/// Candidates, years, costs and allowed sets, with the cheapest completion of each set.
pub(super) struct Space {
    n: usize,
    /// `cost[c][k]`: candidate `c` entering service in year `k` (infinite if it cannot).
    cost: Vec<Vec<f64>>,
    /// `allowed[k][mask]`: whether the set may be in service in year `k`.
    allowed: Vec<Vec<bool>>,
    /// `rest[k][mask]`: the cheapest cost of the years after `k` given `mask` in year
    /// `k` (infinite when no allowed chain follows).
    rest: Vec<Vec<f64>>,
    /// `later[k][c]`: the candidates `c` requires that, entering in year `k`, would
    /// enter after `c` does: `c` may enter in year `k` with none of them.
    later: Vec<Vec<u32>>,
}

/// Every subset of `of`, `of` itself first and the empty set last.
fn subsets(of: u32) -> impl Iterator<Item = u32> {
    let mut next = Some(of);
    std::iter::from_fn(move || {
        let sub = next?;
        next = (sub != 0).then(|| (sub - 1) & of);
        Some(sub)
    })
}

impl Space {
    /// A space of `cost.len()` candidates over `allowed.len()` years, in which
    /// candidate `c` may enter in year `k` together with none of `later[k][c]` (empty
    /// `later`: no such rule).
    /// A set holding a candidate that cannot have entered by a year (infinite cost in
    /// that year, hence in every earlier one) is not allowed in it.
    pub(super) fn new(cost: Vec<Vec<f64>>, mut allowed: Vec<Vec<bool>>, later: Vec<Vec<u32>>) -> Space {
        let n = cost.len();
        let years = allowed.len();
        for (k, sets) in allowed.iter_mut().enumerate() {
            for (mask, ok) in sets.iter_mut().enumerate() {
                *ok &= (0..n).filter(|c| mask & (1 << c) != 0).all(|c| cost[c][k].is_finite());
            }
        }
        let later = if later.is_empty() { vec![vec![0; n]; years] } else { later };
        let mut space = Space { n, cost, allowed, rest: vec![vec![f64::INFINITY; 1 << n]; years], later };
        if years == 0 {
            return space;
        }
        for mask in 0..1u32 << n {
            if space.allowed[years - 1][mask as usize] {
                space.rest[years - 1][mask as usize] = 0.0;
            }
        }
        for k in (0..years - 1).rev() {
            for mask in 0..1u32 << n {
                if space.allowed[k][mask as usize] {
                    space.rest[k][mask as usize] = space.cheapest_step(k + 1, mask).map_or(f64::INFINITY, |(c, _)| c);
                }
            }
        }
        space
    }

    fn full(&self) -> u32 {
        ((1u64 << self.n) - 1) as u32
    }

    /// Whether the candidates of `added` may enter service together in year `k`.
    fn may_enter(&self, k: usize, added: u32) -> bool {
        (0..self.n).filter(|c| added & (1 << c) != 0).all(|c| self.later[k][c] & added == 0)
    }

    /// The cost of `added` entering service in year `k`.
    fn added_cost(&self, added: u32, k: usize) -> f64 {
        (0..self.n).filter(|c| added & (1 << c) != 0).map(|c| self.cost[c][k]).sum()
    }

    /// The cheapest step from `mask` (in year `k - 1`) into year `k` and on to the end.
    fn cheapest_step(&self, k: usize, mask: u32) -> Option<(f64, u32)> {
        subsets(self.full() & !mask)
            .filter(|&sub| self.allowed[k][(mask | sub) as usize] && self.may_enter(k, sub))
            .map(|sub| (self.added_cost(sub, k) + self.rest[k][(mask | sub) as usize], sub))
            .filter(|(c, _)| c.is_finite())
            .min_by(|a, b| a.0.total_cmp(&b.0))
    }

    /// How many allowed chains there are, exactly (at most 51^14 < 2^80 for 14
    /// candidates over 50 years, so a `u128` holds every count).
    pub(super) fn count(&self) -> u128 {
        let years = self.allowed.len();
        if years == 0 {
            return 0;
        }
        let size = 1usize << self.n;
        let mut count: Vec<u128> = (0..size).map(|m| u128::from(self.allowed[years - 1][m])).collect();
        for k in (0..years - 1).rev() {
            count = (0..size as u32)
                .map(|m| {
                    if !self.allowed[k][m as usize] {
                        return 0;
                    }
                    subsets(self.full() & !m)
                        .filter(|&sub| self.allowed[k + 1][(m | sub) as usize] && self.may_enter(k + 1, sub))
                        .map(|sub| count[(m | sub) as usize])
                        .fold(0u128, u128::saturating_add)
                })
                .collect();
        }
        (0..size)
            .filter(|&m| self.allowed[0][m] && self.may_enter(0, m as u32))
            .map(|m| count[m])
            .fold(0u128, u128::saturating_add)
    }

    /// The cost of `mask` in the first year and the cheapest way on.
    fn entry(&self, mask: u32) -> (f64, f64) {
        if !self.allowed[0][mask as usize] || !self.may_enter(0, mask) {
            return (f64::INFINITY, f64::INFINITY);
        }
        let g = self.added_cost(mask, 0);
        (g, g + self.rest[0][mask as usize])
    }
}

/// A partial plan on the heap.
struct Entry {
    /// Cost so far plus the cheapest completion.
    bound: f64,
    /// Cost so far.
    cost: f64,
    /// The year of its last set.
    year: usize,
    /// Its last set's index in the arena.
    node: u32,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // A min-heap on the bound; ties: the earlier created first (deterministic).
        other.bound.total_cmp(&self.bound).then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Every allowed chain, cheapest first: `(cost, set in service each year)`.
pub(super) struct ChainOrder<'a> {
    space: &'a Space,
    heap: BinaryHeap<Entry>,
    /// `(set, parent)` of every partial plan created.
    arena: Vec<(u32, u32)>,
    /// Set when the enumeration stopped at [`MAX_PARTIAL_PLANS`].
    pub(super) truncated: bool,
    /// Partial plans rejected by [`ChainOrder::next_unpruned`]'s `prune`.
    pub(super) pruned: u64,
}

impl<'a> ChainOrder<'a> {
    pub(super) fn new(space: &'a Space) -> ChainOrder<'a> {
        let mut order = ChainOrder { space, heap: BinaryHeap::new(), arena: Vec::new(), truncated: false, pruned: 0 };
        if space.allowed.is_empty() {
            return order;
        }
        for mask in 0..1u32 << space.n {
            let (cost, bound) = space.entry(mask);
            if bound.is_finite() {
                order.push(mask, u32::MAX, cost, bound, 0);
            }
        }
        order
    }

    fn push(&mut self, mask: u32, parent: u32, cost: f64, bound: f64, year: usize) {
        self.arena.push((mask, parent));
        self.heap.push(Entry { bound, cost, year, node: (self.arena.len() - 1) as u32 });
    }

    fn chain_of(&self, mut node: u32) -> Vec<u32> {
        let mut chain = Vec::new();
        while node != u32::MAX {
            let (mask, parent) = self.arena[node as usize];
            chain.push(mask);
            node = parent;
        }
        chain.reverse();
        chain
    }
}

impl ChainOrder<'_> {
    /// The next chain, cheapest first, skipping every chain whose partial plan (its
    /// sets up to some year) `prune` rejects: `prune(year, sets up to that year)` is
    /// asked of each partial plan before it is extended, so that a rejected partial
    /// plan takes all its completions with it.
    pub(super) fn next_unpruned(&mut self, mut prune: impl FnMut(usize, &[u32]) -> bool) -> Option<(f64, Vec<u32>)> {
        let years = self.space.allowed.len();
        loop {
            if self.arena.len() > MAX_PARTIAL_PLANS {
                self.truncated = true;
                return None;
            }
            let entry = self.heap.pop()?;
            let chain = self.chain_of(entry.node);
            if prune(entry.year, &chain) {
                self.pruned += 1;
                continue;
            }
            if entry.year + 1 == years {
                return Some((entry.cost, chain));
            }
            let k = entry.year + 1;
            let mask = self.arena[entry.node as usize].0;
            for sub in subsets(self.space.full() & !mask) {
                let next = mask | sub;
                if !self.space.allowed[k][next as usize] || !self.space.may_enter(k, sub) {
                    continue;
                }
                let cost = entry.cost + self.space.added_cost(sub, k);
                let bound = cost + self.space.rest[k][next as usize];
                if bound.is_finite() {
                    self.push(next, entry.node, cost, bound, k);
                }
            }
        }
    }
}

impl Iterator for ChainOrder<'_> {
    type Item = (f64, Vec<u32>);

    fn next(&mut self) -> Option<(f64, Vec<u32>)> {
        self.next_unpruned(|_, _| false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every chain by brute force, with its cost.
    fn brute(cost: &[Vec<f64>], allowed: &[Vec<bool>]) -> Vec<(f64, Vec<u32>)> {
        brute_with(cost, allowed, &[])
    }

    /// Every chain by brute force, with its cost, keeping `later` (see [`Space::new`]).
    fn brute_with(cost: &[Vec<f64>], allowed: &[Vec<bool>], later: &[Vec<u32>]) -> Vec<(f64, Vec<u32>)> {
        let n = cost.len();
        let years = allowed.len();
        // Entry year per candidate: 0..years, or `years` for never.
        let mut out = Vec::new();
        let combos = (years + 1).pow(n as u32);
        for code in 0..combos {
            let entry: Vec<usize> = (0..n).map(|c| code / (years + 1).pow(c as u32) % (years + 1)).collect();
            let chain: Vec<u32> =
                (0..years).map(|k| (0..n).filter(|&c| entry[c] <= k).fold(0, |m, c| m | (1 << c))).collect();
            let together = |c: usize| {
                later.get(entry[c]).is_some_and(|l| (0..n).any(|r| l[c] & (1 << r) != 0 && entry[r] == entry[c]))
            };
            if chain.iter().enumerate().all(|(k, &m)| allowed[k][m as usize]) && !(0..n).any(together) {
                let total: f64 = (0..n).filter(|&c| entry[c] < years).map(|c| cost[c][entry[c]]).sum();
                if total.is_finite() {
                    out.push((total, chain));
                }
            }
        }
        out
    }

    #[test]
    fn counts_are_exact_beyond_what_a_float_holds() {
        // Ten candidates, each unbuilt or entering in one of 50 years: 51^10 plans,
        // above 2^53, where a float count would be rounded.
        let (n, years) = (10, 50);
        let cost = vec![vec![1.0; years]; n];
        let allowed = vec![vec![true; 1 << n]; years];
        let space = Space::new(cost, allowed, Vec::new());
        assert_eq!(space.count(), 51u128.pow(10));
        assert!(51u128.pow(10) > 1 << 53);
    }

    #[test]
    fn chains_come_cheapest_first_each_once_as_brute_force_finds_them() {
        // Three candidates, three years; discounted costs; c2 not before year 1; a
        // rule: c1 needs c0; the "sheet" needs at least one candidate from year 1 on
        // and two in year 2.
        let cost = vec![vec![10.0, 9.0, 8.0], vec![6.0, 5.5, 5.0], vec![f64::INFINITY, 3.0, 2.9]];
        let count = |m: usize| m.count_ones();
        let allowed: Vec<Vec<bool>> =
            (0..3).map(|k| (0..8).map(|m| (m & 2 == 0 || m & 1 != 0) && count(m) >= [0, 1, 2][k]).collect()).collect();
        let space = Space::new(cost.clone(), allowed.clone(), Vec::new());
        let got: Vec<(f64, Vec<u32>)> = ChainOrder::new(&space).collect();
        let mut want = brute(&cost, &allowed);
        assert_eq!(got.len(), want.len(), "{got:?}");
        assert_eq!(space.count(), want.len() as u128);
        assert!(got.windows(2).all(|w| w[0].0 <= w[1].0 + 1e-12), "{got:?}");
        let mut chains: Vec<Vec<u32>> = got.iter().map(|g| g.1.clone()).collect();
        chains.sort();
        chains.dedup();
        assert_eq!(chains.len(), got.len());
        want.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!((got[0].0 - want[0].0).abs() < 1e-12);
        for (cost, chain) in &got {
            let same = want.iter().find(|w| w.1 == *chain).expect("a chain brute force does not know");
            assert!((same.0 - cost).abs() < 1e-12);
        }
    }

    #[test]
    fn a_requirement_entering_later_in_the_year_holds_its_dependant_back() {
        // c1 requires c0 (every set with c1 holds c0); in years 0 and 1, c0 would enter
        // after c1 in the same year, so c1 may not enter with it then.
        let cost = vec![vec![4.0, 3.0, 2.0], vec![1.0, 1.0, 1.0]];
        let allowed: Vec<Vec<bool>> = (0..3).map(|_| (0..4).map(|m| m & 2 == 0 || m & 1 != 0).collect()).collect();
        let later = vec![vec![0, 1], vec![0, 1], vec![0, 0]];
        let space = Space::new(cost.clone(), allowed.clone(), later.clone());
        let got: Vec<(f64, Vec<u32>)> = ChainOrder::new(&space).collect();
        let want = brute_with(&cost, &allowed, &later);
        assert_eq!(got.len(), want.len(), "{got:?}");
        assert_eq!(space.count(), want.len() as u128);
        assert!(got.iter().all(|(_, chain)| chain[0] != 3 && !(chain[0] == 0 && chain[1] == 3)), "{got:?}");
        for (cost, chain) in &got {
            let same = want.iter().find(|w| w.1 == *chain).expect("a chain brute force does not know");
            assert!((same.0 - cost).abs() < 1e-12);
        }
        // Without the rule, c0 and c1 may enter together in year 0.
        let free: Vec<(f64, Vec<u32>)> = ChainOrder::new(&Space::new(cost, allowed, Vec::new())).collect();
        assert!(free.iter().any(|(_, chain)| chain[0] == 3));
    }

    #[test]
    fn a_pruned_partial_plan_takes_its_completions_with_it() {
        let cost = vec![vec![10.0, 9.0, 8.0], vec![6.0, 5.5, 5.0], vec![4.0, 3.0, 2.9]];
        let allowed: Vec<Vec<bool>> = (0..3).map(|_| vec![true; 8]).collect();
        let space = Space::new(cost.clone(), allowed.clone(), Vec::new());
        // Reject every plan without c0 in year 1.
        let mut order = ChainOrder::new(&space);
        let mut got = Vec::new();
        while let Some(c) = order.next_unpruned(|year, chain| year == 1 && chain[1] & 1 == 0) {
            got.push(c);
        }
        let want: Vec<(f64, Vec<u32>)> = brute(&cost, &allowed).into_iter().filter(|(_, ch)| ch[1] & 1 != 0).collect();
        assert_eq!(got.len(), want.len());
        assert!(got.iter().all(|(_, ch)| ch[1] & 1 != 0));
        assert!(got.windows(2).all(|w| w[0].0 <= w[1].0 + 1e-12));
        assert!(order.pruned > 0);
    }

    #[test]
    fn nothing_allowed_is_an_empty_space() {
        let space = Space::new(vec![vec![1.0]], vec![vec![false, false]], Vec::new());
        assert_eq!(space.count(), 0);
        assert_eq!(ChainOrder::new(&space).count(), 0);
    }

    #[test]
    fn subsets_are_all_listed_once() {
        let mut s: Vec<u32> = subsets(0b1011).collect();
        s.sort_unstable();
        assert_eq!(s, vec![0, 1, 2, 3, 8, 9, 10, 11]);
    }
}
