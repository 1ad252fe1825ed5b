//! Seeded randomness: one named generator stream per component, all derived from the run's u64 seed.
//!
//! A stream is a `Pcg64` (PCG XSL RR 128/64, a named algorithm, so every chart is stable across
//! rand releases; about ten instructions a draw, which matters at millions of draws a second)
//! seeded from the run seed and the stream's name. Changing one component's draws (say, the arrival
//! rate) does not reshuffle another's (say, the load balancer's routing). Every transcendental
//! function on the path of a variate goes through `libm`, so native and wasm runs agree bit for bit.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use serde::{Deserialize, Serialize};

/// One component's random stream.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Stream {
    rng: Pcg64,
    /// The last log-normal's parameters (mean and cv bits) and what they give (μ, σ): a stream
    /// usually draws one log-normal over and over, and its two logarithms need not be taken
    /// again. A cache of a pure function, so it changes no draw and is not serialised.
    #[serde(skip)]
    lognormal_memo: Option<(u64, u64, f64, f64)>,
}

impl Stream {
    fn keyed(seed: u64, key_mix: u64) -> Stream {
        let mut key = [0u8; 32];
        let mut x = seed ^ key_mix;
        for chunk in key.chunks_mut(8) {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes());
        }
        Stream { rng: Pcg64::from_seed(key), lognormal_memo: None }
    }

    /// The stream of component `name`, instance `index`, of the run seeded with `seed`: every
    /// component and source draws from its own, so a what-if changes only the randomness of
    /// what it touches (common random numbers).
    pub fn derive(seed: u64, name: &str, index: u64) -> Stream {
        // FNV-1a of the name, mixed with the index, as the stream key.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Stream::keyed(seed, h ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17))
    }

    /// Uniform in [0, 1), with 53 random bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in (0, 1]: safe to take the logarithm of.
    #[inline]
    pub fn uniform_open0(&mut self) -> f64 {
        1.0 - self.uniform()
    }

    /// Exponential with the given mean.
    #[inline(always)]
    pub fn exp(&mut self, mean: f64) -> f64 {
        mean * self.exp1()
    }

    /// Standard exponential (mean 1) by the ziggurat method (Marsaglia and Tsang, 2000): 256
    /// layers of equal area under e^-x; a draw lands inside a layer's rectangle, wholly under the
    /// curve, 98.9 % of the time and costs one multiplication and a comparison. The rest fall
    /// in a wedge (tested against `libm::exp`) or in the tail beyond the last layer (sampled
    /// exactly as R − ln U). The tables come from `libm` too, so draws are identical natively
    /// and in wasm.
    #[inline]
    pub fn exp1(&mut self) -> f64 {
        let z = ziggurat();
        loop {
            let u = self.rng.next_u64();
            let i = (u & 0xff) as usize;
            let x = ((u >> 11) as f64 * (1.0 / (1u64 << 53) as f64)) * z.x[i];
            if x < z.x[i + 1] {
                return x;
            }
            if i == 0 {
                return ZIG_R - libm::log(self.uniform_open0());
            }
            if z.f[i] + self.uniform() * (z.f[i + 1] - z.f[i]) < libm::exp(-x) {
                return x;
            }
        }
    }

    /// Standard normal (Box–Muller, libm only).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.uniform_open0();
        let u2 = self.uniform();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
    }

    /// Log-normal with the given mean and coefficient of variation.
    pub fn lognormal(&mut self, mean: f64, cv: f64) -> f64 {
        let key = (mean.to_bits(), cv.to_bits());
        let (mu, sigma) = match self.lognormal_memo {
            Some((m, c, mu, sigma)) if (m, c) == key => (mu, sigma),
            _ => {
                let s2 = libm::log(1.0 + cv * cv);
                let (mu, sigma) = (libm::log(mean) - 0.5 * s2, libm::sqrt(s2));
                self.lognormal_memo = Some((key.0, key.1, mu, sigma));
                (mu, sigma)
            }
        };
        libm::exp(mu + sigma * self.normal())
    }

    /// A uniform index in 0..n (n > 0).
    #[inline]
    pub fn index(&mut self, n: usize) -> usize {
        ((self.uniform() * n as f64) as usize).min(n - 1)
    }

    /// True with probability p.
    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        p >= 1.0 || (p > 0.0 && self.uniform() < p)
    }
}

/// Start of the tail of the 256-layer exponential ziggurat.
const ZIG_R: f64 = 7.697_117_470_131_05;
/// Area of each layer.
const ZIG_V: f64 = 3.949_659_822_581_557e-3;

struct Ziggurat {
    /// Right edges: `x[0] = V / e^-R` (the base layer as one wide rectangle), `x[1] = R`, …, `x[256] = 0`.
    x: [f64; 257],
    /// `f[i] = e^-x[i]`.
    f: [f64; 257],
}

fn ziggurat() -> &'static Ziggurat {
    static TABLES: std::sync::OnceLock<Ziggurat> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut x = [0.0; 257];
        let mut f = [0.0; 257];
        x[0] = ZIG_V / libm::exp(-ZIG_R);
        x[1] = ZIG_R;
        for i in 1..256 {
            f[i] = libm::exp(-x[i]);
            x[i + 1] = if i + 1 == 256 { 0.0 } else { -libm::log(ZIG_V / x[i] + f[i]) };
        }
        f[0] = libm::exp(-x[0]);
        f[256] = 1.0;
        Ziggurat { x, f }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_independent() {
        let a: Vec<f64> = (0..4)
            .map({
                let mut s = Stream::derive(7, "arrivals", 0);
                move |_| s.uniform()
            })
            .collect();
        let mut again = Stream::derive(7, "arrivals", 0);
        assert!(a.iter().all(|x| *x == again.uniform()));
        let mut other = Stream::derive(7, "service", 0);
        assert_ne!(a[0], other.uniform());
        let mut seed8 = Stream::derive(8, "arrivals", 0);
        assert_ne!(a[0], seed8.uniform());
        let mut index1 = Stream::derive(7, "arrivals", 1);
        assert_ne!(a[0], index1.uniform());
    }

    #[test]
    fn exponential_mean_is_right() {
        let mut s = Stream::derive(1, "service", 0);
        let n = 200_000;
        let mean = (0..n).map(|_| s.exp(0.25)).sum::<f64>() / n as f64;
        // Standard error 0.25/sqrt(n) ≈ 5.6e-4; allow 5 sigma.
        assert!((mean - 0.25).abs() < 2.8e-3, "{mean}");
    }

    /// Kolmogorov–Smirnov against 1 − e^-x: D·√n below 1.63 (1 % level) for 200 k draws, and the
    /// tail beyond the ziggurat's last layer is as heavy as it should be.
    #[test]
    fn ziggurat_exponential_has_the_right_distribution() {
        let mut s = Stream::derive(3, "service", 0);
        let n = 200_000;
        let mut xs: Vec<f64> = (0..n).map(|_| s.exp1()).collect();
        xs.sort_unstable_by(f64::total_cmp);
        let d = xs
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let cdf = 1.0 - libm::exp(-x);
                (cdf - i as f64 / n as f64).abs().max(((i + 1) as f64 / n as f64 - cdf).abs())
            })
            .fold(0.0, f64::max);
        assert!(d * (n as f64).sqrt() < 1.63, "KS D = {d}");
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        assert!((mean - 1.0).abs() < 0.012 && (var - 1.0).abs() < 0.03, "mean {mean} var {var}");
        // P(X > 8) = e^-8 ≈ 3.35e-4: about 67 of 200 k, all from the tail branch.
        let tail = xs.iter().filter(|x| **x > 8.0).count();
        assert!((35..=105).contains(&tail), "tail {tail}");
        let z = ziggurat();
        // The layers close: one more step of the recurrence from the last layer lands on 0.
        let closure = -libm::log(ZIG_V / z.x[255] + z.f[255]);
        assert!(closure.abs() < 1e-9, "the recurrence ends at {closure}, not 0");
    }

    #[test]
    fn lognormal_mean_is_right() {
        let mut s = Stream::derive(2, "service", 0);
        let n = 200_000;
        let mean = (0..n).map(|_| s.lognormal(0.04, 1.0)).sum::<f64>() / n as f64;
        assert!((mean - 0.04).abs() / 0.04 < 0.02, "{mean}");
    }
}
