//! The symmetric TSP engine: greedy-edge construction, then iterated local search with
//! Lin–Kernighan-style chains of 2-opt moves (breadth-limited, with backtracking), Or-opt
//! segment insertion, neighbour lists and don't-look bits, and localised double-bridge
//! kicks. The tour is an array with a position index; every change is a reversal that is
//! logged, so a rejected kick is undone exactly.

use std::collections::VecDeque;

use super::budget::Stopwatch;
use super::rng::Rng;

/// A dense symmetric cost matrix (`i64`: dummy and transformed nodes use negative costs).
pub(crate) struct Sym {
    pub n: usize,
    pub d: Vec<i64>,
}

impl Sym {
    #[inline]
    fn c(&self, a: usize, b: usize) -> i64 {
        self.d[a * self.n + b]
    }

    /// The closed length of a tour.
    pub fn length(&self, tour: &[usize]) -> i64 {
        let n = tour.len();
        (0..n).map(|i| self.c(tour[i], tour[(i + 1) % n])).sum()
    }
}

/// Neighbour lists: the `k` cheapest other nodes of every node, cheapest first.
fn neighbours(sym: &Sym, k: usize) -> Vec<Vec<u32>> {
    let n = sym.n;
    let k = k.min(n.saturating_sub(1));
    let mut out = Vec::with_capacity(n);
    let mut row: Vec<(i64, u32)> = Vec::with_capacity(n);
    for a in 0..n {
        row.clear();
        row.extend((0..n).filter(|&b| b != a).map(|b| (sym.c(a, b), b as u32)));
        if k < row.len() {
            row.select_nth_unstable(k);
            row.truncate(k);
        }
        row.sort_unstable();
        out.push(row.iter().map(|&(_, b)| b).collect());
    }
    out
}

/// Greedy edge matching on the candidate edges, fragments then joined nearest-first.
fn greedy_edge(sym: &Sym, neigh: &[Vec<u32>]) -> Vec<usize> {
    let n = sym.n;
    let mut edges: Vec<(i64, u32, u32)> = Vec::new();
    for (a, list) in neigh.iter().enumerate() {
        for &b in list {
            if (a as u32) < b {
                edges.push((sym.c(a, b as usize), a as u32, b));
            }
        }
    }
    edges.sort_unstable();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let mut adj = vec![[usize::MAX; 2]; n];
    let deg = |adj: &[[usize; 2]], x: usize| adj[x].iter().filter(|&&y| y != usize::MAX).count();
    for &(_, a, b) in &edges {
        let (a, b) = (a as usize, b as usize);
        if deg(&adj, a) == 2 || deg(&adj, b) == 2 {
            continue;
        }
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra == rb {
            continue;
        }
        parent[ra] = rb;
        let slot = |adj: &mut [[usize; 2]], x: usize, y: usize| {
            if adj[x][0] == usize::MAX {
                adj[x][0] = y;
            } else {
                adj[x][1] = y;
            }
        };
        slot(&mut adj, a, b);
        slot(&mut adj, b, a);
    }
    // Walk the fragments (paths; isolated nodes are fragments of one).
    let mut seen = vec![false; n];
    let mut frags: Vec<Vec<usize>> = Vec::new();
    for s in 0..n {
        if seen[s] || deg(&adj, s) == 2 {
            continue;
        }
        let mut path = vec![s];
        seen[s] = true;
        let (mut prev, mut cur) = (usize::MAX, s);
        loop {
            let next = adj[cur]
                .iter()
                .copied()
                .find(|&y| y != usize::MAX && y != prev && !seen[y]);
            match next {
                Some(y) => {
                    seen[y] = true;
                    path.push(y);
                    prev = cur;
                    cur = y;
                }
                None => break,
            }
        }
        frags.push(path);
    }
    if frags.is_empty() {
        // The greedy matching closed no cycle, so this only happens for n < 3.
        return (0..n).collect();
    }
    // Join: from the tail of the tour so far, the nearest free fragment end.
    let mut used = vec![false; frags.len()];
    let mut tour = std::mem::take(&mut frags[0]);
    used[0] = true;
    for _ in 1..frags.len() {
        let tail = tour[tour.len() - 1];
        let mut best = (i64::MAX, 0, false);
        for (f, frag) in frags.iter().enumerate() {
            if used[f] {
                continue;
            }
            let (head, last) = (frag[0], frag[frag.len() - 1]);
            if sym.c(tail, head) < best.0 {
                best = (sym.c(tail, head), f, false);
            }
            if sym.c(tail, last) < best.0 {
                best = (sym.c(tail, last), f, true);
            }
        }
        let (_, f, rev) = best;
        used[f] = true;
        let mut frag = std::mem::take(&mut frags[f]);
        if rev {
            frag.reverse();
        }
        tour.extend(frag);
    }
    tour
}

/// Options of one run.
pub(crate) struct LkOptions {
    pub seed: u64,
    pub max_kicks: u64,
}

/// The outcome of one run.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct LkResult {
    pub tour: Vec<usize>,
    pub length: i64,
    pub initial_length: i64,
    pub kicks: u64,
}

struct Search<'a> {
    sym: &'a Sym,
    neigh: Vec<Vec<u32>>,
    order: Vec<u32>,
    pos: Vec<u32>,
    log: Vec<(u32, u32)>,
    touched: Vec<u32>,
    added: Vec<(u32, u32)>,
    queue: VecDeque<u32>,
    queued: Vec<bool>,
}

/// How many alternatives a chain tries at each depth (then one), and its maximum depth.
const BREADTH: [usize; 3] = [5, 3, 2];
const MAX_DEPTH: usize = 10;

impl Search<'_> {
    #[inline]
    fn n(&self) -> usize {
        self.order.len()
    }
    #[inline]
    fn succ(&self, a: usize) -> usize {
        let p = self.pos[a] as usize + 1;
        self.order[if p == self.n() { 0 } else { p }] as usize
    }
    #[inline]
    fn pred(&self, a: usize) -> usize {
        let p = self.pos[a] as usize;
        self.order[if p == 0 { self.n() - 1 } else { p - 1 }] as usize
    }
    #[inline]
    fn next(&self, a: usize, fwd: bool) -> usize {
        if fwd { self.succ(a) } else { self.pred(a) }
    }
    #[inline]
    fn c(&self, a: usize, b: usize) -> i64 {
        self.sym.c(a, b)
    }

    /// Reverses the cyclic position range `i..=j` (or, equivalently for the cycle, its
    /// complement when that is shorter), and logs what it did.
    fn reverse(&mut self, i: usize, j: usize) {
        let n = self.n();
        let len = (j + n - i) % n + 1;
        let (i, j, len) = if 2 * len > n {
            ((j + 1) % n, (i + n - 1) % n, n - len)
        } else {
            (i, j, len)
        };
        self.reverse_raw(i, j, len);
        self.log.push((i as u32, j as u32));
    }

    fn reverse_raw(&mut self, mut i: usize, mut j: usize, len: usize) {
        let n = self.n();
        for _ in 0..len / 2 {
            let (a, b) = (self.order[i], self.order[j]);
            self.order[i] = b;
            self.order[j] = a;
            self.pos[b as usize] = i as u32;
            self.pos[a as usize] = j as u32;
            i = if i + 1 == n { 0 } else { i + 1 };
            j = if j == 0 { n - 1 } else { j - 1 };
        }
    }

    /// Undoes logged reversals down to `mark`.
    fn undo_to(&mut self, mark: usize) {
        let n = self.n();
        while self.log.len() > mark {
            let Some((i, j)) = self.log.pop() else { break };
            let (i, j) = (i as usize, j as usize);
            self.reverse_raw(i, j, (j + n - i) % n + 1);
        }
    }

    /// The 2-opt move removing edges (a,b) and (c,d), where b follows a and d follows c in
    /// the same direction, and adding (a,c) and (b,d).
    fn move2(&mut self, a: usize, b: usize, c: usize, d: usize) {
        if self.succ(a) == b {
            self.reverse(self.pos[b] as usize, self.pos[c] as usize);
        } else {
            self.reverse(self.pos[c] as usize, self.pos[b] as usize);
        }
        self.touched
            .extend([a as u32, b as u32, c as u32, d as u32]);
    }

    fn push(&mut self, a: usize) {
        if !self.queued[a] {
            self.queued[a] = true;
            self.queue.push_back(a as u32);
        }
    }

    /// One Lin–Kernighan step from the path end `t2` (`t1` fixed): tries the best
    /// candidates for the next added edge, closing as soon as the tour gets shorter.
    fn lk_step(&mut self, t1: usize, t2: usize, g: i64, depth: usize) -> Option<i64> {
        let fwd = self.succ(t1) == t2;
        let breadth = BREADTH.get(depth).copied().unwrap_or(1);
        let mut cands: [(i64, u32, u32, i64); 5] = [(i64::MIN, 0, 0, 0); 5];
        let mut count = 0;
        for k in 0..self.neigh[t2].len() {
            let t3 = self.neigh[t2][k] as usize;
            let g1 = g - self.c(t2, t3);
            if g1 <= 0 {
                break;
            }
            if t3 == t1 || t3 == self.next(t2, fwd) {
                continue;
            }
            let t4 = self.next(t3, !fwd);
            if t4 == t2 || self.is_added(t4, t3) {
                continue;
            }
            let val = g1 + self.c(t4, t3);
            // Keep the `breadth` best by `val`, best first.
            if count < breadth || val > cands[count - 1].0 {
                let mut at = if count < breadth { count } else { breadth - 1 };
                while at > 0 && cands[at - 1].0 < val {
                    cands[at] = cands[at - 1];
                    at -= 1;
                }
                cands[at] = (val, t3 as u32, t4 as u32, g1);
                if count < breadth {
                    count += 1;
                }
            }
        }
        for &(val, t3, t4, _) in cands.iter().take(count) {
            let (t3, t4) = (t3 as usize, t4 as usize);
            let mark = self.log.len();
            let touched = self.touched.len();
            self.move2(t1, t2, t4, t3);
            self.added.push((t2 as u32, t3 as u32));
            let closed = val - self.c(t4, t1);
            if closed > 0 {
                return Some(closed);
            }
            if depth + 1 < MAX_DEPTH
                && let Some(gain) = self.lk_step(t1, t4, val, depth + 1)
            {
                return Some(gain);
            }
            self.added.pop();
            self.undo_to(mark);
            self.touched.truncate(touched);
        }
        None
    }

    fn is_added(&self, a: usize, b: usize) -> bool {
        let (a, b) = (a as u32, b as u32);
        self.added
            .iter()
            .any(|&(x, y)| (x == a && y == b) || (x == b && y == a))
    }

    fn lk_from(&mut self, t1: usize) -> Option<i64> {
        for fwd in [true, false] {
            let t2 = self.next(t1, fwd);
            self.added.clear();
            if let Some(gain) = self.lk_step(t1, t2, self.c(t1, t2), 0) {
                return Some(gain);
            }
        }
        None
    }

    /// Or-opt: moves a segment of 1 to 3 nodes starting at `s1` between two neighbours
    /// elsewhere, in either orientation.
    fn or_opt_from(&mut self, s1: usize) -> Option<i64> {
        let n = self.n();
        for fwd in [true, false] {
            let mut s2 = s1;
            for len in 1..=3usize {
                if len > 1 {
                    s2 = self.next(s2, fwd);
                }
                if n < len + 3 {
                    break;
                }
                let p = self.next(s1, !fwd);
                let nn = self.next(s2, fwd);
                let removed = self.c(p, s1) + self.c(s2, nn) - self.c(p, nn);
                if removed <= 0 {
                    continue;
                }
                let in_segment = |s: &Self, x: usize| {
                    let (ps, px) = (s.pos[s1] as usize, s.pos[x] as usize);
                    let off = if fwd {
                        (px + n - ps) % n
                    } else {
                        (ps + n - px) % n
                    };
                    off < len
                };
                for end in [s1, s2] {
                    let other = if end == s1 { s2 } else { s1 };
                    for k in 0..self.neigh[end].len() {
                        let c = self.neigh[end][k] as usize;
                        let dc = self.c(end, c);
                        if dc >= removed {
                            break;
                        }
                        if in_segment(self, c) {
                            continue;
                        }
                        for e in [self.succ(c), self.pred(c)] {
                            if in_segment(self, e) {
                                continue;
                            }
                            let gain = removed - dc - self.c(other, e) + self.c(c, e);
                            if gain > 0 {
                                self.apply_or_opt(p, s1, s2, nn, fwd, c, e, end);
                                return Some(gain);
                            }
                        }
                    }
                }
            }
        }
        None
    }

    /// Applies the segment move: `p s1..s2 nn` (direction `fwd`) becomes `p nn`, and the
    /// segment goes between `c` and `e` with `end` next to `c`.
    #[allow(clippy::too_many_arguments)]
    fn apply_or_opt(
        &mut self,
        p: usize,
        s1: usize,
        s2: usize,
        nn: usize,
        fwd: bool,
        c: usize,
        e: usize,
        end: usize,
    ) {
        // Order the target edge along the segment's direction: x then y.
        let (x, y) = if self.next(c, fwd) == e {
            (c, e)
        } else {
            (e, c)
        };
        self.move2(p, s1, x, y);
        self.move2(p, x, nn, s2);
        // Now x s2 .. s1 y: s2 is next to x.
        let s2_next_to_c = (x == c) == (end == s2);
        if !s2_next_to_c {
            self.move2(x, s2, s1, y);
        }
    }

    /// Runs local search until no queued node improves; returns the total gain.
    fn local_search(&mut self) -> i64 {
        let mut total = 0;
        while let Some(a) = self.queue.pop_front() {
            let a = a as usize;
            self.queued[a] = false;
            self.touched.clear();
            let gain = self.lk_from(a).or_else(|| self.or_opt_from(a));
            if let Some(g) = gain {
                total += g;
                let touched = std::mem::take(&mut self.touched);
                for &t in &touched {
                    self.push(t as usize);
                }
                self.touched = touched;
                self.push(a);
            }
        }
        total
    }

    /// A double-bridge kick on three short consecutive segments after a random position:
    /// `A B C D` becomes `A C B D`. Returns the change in length.
    fn kick(&mut self, rng: &mut Rng) -> i64 {
        let n = self.n();
        let max_seg = (n / 4).clamp(1, 50);
        let l1 = 1 + rng.below(max_seg);
        let l2 = 1 + rng.below(max_seg);
        let i = rng.below(n);
        // Positions: B = i+1 ..= i+l1, C = i+l1+1 ..= i+l1+l2 (cyclic).
        let at = |k: usize| (i + k) % n;
        let (a_end, b1, b2, c1, c2, d1) = (
            self.order[at(0)] as usize,
            self.order[at(1)] as usize,
            self.order[at(l1)] as usize,
            self.order[at(l1 + 1)] as usize,
            self.order[at(l1 + l2)] as usize,
            self.order[at(l1 + l2 + 1)] as usize,
        );
        let before = self.c(a_end, b1) + self.c(b2, c1) + self.c(c2, d1);
        let after = self.c(a_end, c1) + self.c(c2, b1) + self.c(b2, d1);
        // Swap adjacent blocks: reverse B, reverse C, reverse B C (all short).
        let (pb1, pb2, pc1, pc2) = (at(1), at(l1), at(l1 + 1), at(l1 + l2));
        self.reverse_logged_exact(pb1, pb2);
        self.reverse_logged_exact(pc1, pc2);
        self.reverse_logged_exact(pb1, pc2);
        for x in [a_end, b1, b2, c1, c2, d1] {
            self.push(x);
        }
        after - before
    }

    fn reverse_logged_exact(&mut self, i: usize, j: usize) {
        let n = self.n();
        self.reverse_raw(i, j, (j + n - i) % n + 1);
        self.log.push((i as u32, j as u32));
    }

    fn tour(&self) -> Vec<usize> {
        self.order.iter().map(|&x| x as usize).collect()
    }
}

/// Solves a symmetric TSP: construction, local search, then kicks within the budget.
pub(crate) fn solve(sym: &Sym, opts: &LkOptions, watch: &mut Stopwatch<'_>) -> LkResult {
    let n = sym.n;
    if n <= 8 {
        return exhaustive(sym);
    }
    let neigh = neighbours(sym, 10);
    let start = greedy_edge(sym, &neigh);
    let initial_length = sym.length(&start);
    let mut pos = vec![0u32; n];
    for (i, &x) in start.iter().enumerate() {
        pos[x] = i as u32;
    }
    let mut s = Search {
        sym,
        neigh,
        order: start.iter().map(|&x| x as u32).collect(),
        pos,
        log: Vec::new(),
        touched: Vec::new(),
        added: Vec::new(),
        queue: (0..n as u32).collect(),
        queued: vec![true; n],
    };
    let mut len = initial_length - s.local_search();
    let mut rng = Rng::new(opts.seed);
    let mut kicks = 0;
    while kicks < opts.max_kicks && !watch.expired(kicks) {
        kicks += 1;
        s.log.clear();
        let delta = s.kick(&mut rng);
        let after = len + delta - s.local_search();
        if after <= len {
            len = after;
        } else {
            s.undo_to(0);
        }
        s.log.clear();
    }
    LkResult {
        tour: s.tour(),
        length: len,
        initial_length,
        kicks,
    }
}

/// Exact search for tiny instances (n ≤ 8): every tour starting at node 0.
fn exhaustive(sym: &Sym) -> LkResult {
    let n = sym.n;
    let mut best: Vec<usize> = (0..n).collect();
    let mut best_len = sym.length(&best);
    let initial_length = best_len;
    if n > 3 {
        let mut rest: Vec<usize> = (1..n).collect();
        permute(&mut rest, 0, &mut |perm| {
            let mut t = Vec::with_capacity(n);
            t.push(0);
            t.extend_from_slice(perm);
            let l = sym.length(&t);
            if l < best_len {
                best_len = l;
                best = t;
            }
        });
    }
    LkResult {
        tour: best,
        length: best_len,
        initial_length,
        kicks: 0,
    }
}

fn permute(v: &mut [usize], k: usize, f: &mut impl FnMut(&[usize])) {
    if k == v.len() {
        f(v);
        return;
    }
    for i in k..v.len() {
        v.swap(k, i);
        permute(v, k + 1, f);
        v.swap(k, i);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;
    use crate::routing::budget::{Budget, NoClock};

    fn euclid(pts: &[(i32, i32)]) -> Sym {
        let n = pts.len();
        let mut d = vec![0i64; n * n];
        for i in 0..n {
            for j in 0..n {
                let (a, b) = (pts[i], pts[j]);
                d[i * n + j] = f64::from((a.0 - b.0).pow(2) + (a.1 - b.1).pow(2))
                    .sqrt()
                    .round() as i64;
            }
        }
        Sym { n, d }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Local search never returns a tour longer than its construction; the tracked
        /// length is the tour's real length; the budget is spent exactly.
        #[test]
        fn never_worse_than_construction(
            pts in prop::collection::vec((0i32..1000, 0i32..1000), 9..120),
            seed in 0u64..1000,
            kicks in 0u64..300,
        ) {
            let sym = euclid(&pts);
            let budget = Budget::iterations(kicks, seed);
            let mut watch = Stopwatch::new(&NoClock, &budget);
            let r = solve(&sym, &LkOptions { seed, max_kicks: kicks }, &mut watch);
            prop_assert!(r.length <= r.initial_length);
            prop_assert_eq!(r.length, sym.length(&r.tour));
            prop_assert_eq!(r.kicks, kicks);
            let mut sorted = r.tour.clone();
            sorted.sort_unstable();
            prop_assert_eq!(sorted, (0..pts.len()).collect::<Vec<_>>());
        }
    }

    #[test]
    fn tiny_instances_are_solved_exactly() {
        let pts = [
            (0, 0),
            (10, 0),
            (10, 10),
            (0, 10),
            (5, -3),
            (5, 13),
            (-3, 5),
        ];
        let sym = euclid(&pts);
        let mut watch = Stopwatch::new(&NoClock, &Budget::default());
        let r = solve(
            &sym,
            &LkOptions {
                seed: 1,
                max_kicks: 0,
            },
            &mut watch,
        );
        let mut rest: Vec<usize> = (1..7).collect();
        let mut best = i64::MAX;
        permute(&mut rest, 0, &mut |p| {
            let mut t = vec![0];
            t.extend_from_slice(p);
            best = best.min(sym.length(&t));
        });
        assert_eq!(r.length, best);
    }
}
