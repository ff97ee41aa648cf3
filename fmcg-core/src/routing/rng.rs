//! The solvers' seeded random numbers (PCG; no hidden randomness).

use rand::{Rng as _, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// A seeded generator: the same seed gives the same run.
pub(crate) struct Rng(Pcg64Mcg);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(Pcg64Mcg::seed_from_u64(seed))
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.0.random_range(0..n.max(1))
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        self.0.random::<f64>()
    }
}
