//! A client's connection to a single-threaded server that reads its responses one at a time
//! (StackExchange.Redis's `ConnectionMultiplexer`: one TCP connection per process, every
//! command pipelined on it, one reader).
//!
//! ```text
//!  process p's calls ──► server (FIFO) ──► p's connection: reads responses in order,
//!                                         per_op + per_byte × bytes each ──► the caller wakes
//! ```
//!
//! A response is read only after the server has answered it *and* the connection has read
//! every response before it, so a big response (a many-key MGET) delays every later call of
//! that process, whatever it asked for: head-of-line blocking, "a big request preceding several
//! small requests" (StackExchange.Redis, Timeouts.md). Other processes, with their own
//! connections, do not wait for it. A call whose caller timed out is still read: its bytes are
//! on the wire.
//!
//! The server is FIFO and calls are admitted in nondecreasing time, so answers come back in
//! the order of admission and the connection's schedule is known when a call is made.

use crate::time::{Dur, SimTime};
use serde::{Deserialize, Serialize};

/// One connection per process, each reading responses in order.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Multiplexer {
    per_op_s: f64,
    per_byte_s: f64,
    /// When each process's connection has read every response admitted so far.
    free_at: Vec<SimTime>,
    /// Reading time admitted so far, over all connections [s].
    busy_total: f64,
}

impl Multiplexer {
    /// Connections whose reader takes `per_op_s + per_byte_s × bytes` for one response.
    pub fn new(per_op_s: f64, per_byte_s: f64) -> Multiplexer {
        Multiplexer { per_op_s, per_byte_s, free_at: vec![], busy_total: 0.0 }
    }

    /// The server answered a call of process `p` on `bytes` bytes at `answered`; returns when
    /// the caller has the response.
    pub fn read(&mut self, p: usize, answered: SimTime, bytes: f64) -> SimTime {
        if self.free_at.len() <= p {
            self.free_at.resize(p + 1, SimTime::ZERO);
        }
        let read = self.per_op_s + self.per_byte_s * bytes;
        let done = answered.max(self.free_at[p]) + Dur::from_secs(read);
        self.free_at[p] = done;
        self.busy_total += read;
        done
    }

    /// Seconds of responses process `p`'s connection still has to read at `now`, counting the
    /// wait for answers not yet given (zero when it is idle).
    pub fn backlog_s(&self, p: usize, now: SimTime) -> f64 {
        self.free_at.get(p).map_or(0.0, |f| f.since(now).secs())
    }

    /// Reading time admitted so far over all connections [s].
    pub fn busy_total_s(&self) -> f64 {
        self.busy_total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_response_delays_later_calls_on_its_connection_only() {
        let mut m = Multiplexer::new(0.0, 1e-8);
        let t = SimTime::from_secs;
        // Process 0: a 100 MB answer at 1 s takes 1 s to read.
        assert_eq!(m.read(0, t(1.0), 1e8), t(2.0));
        // A 1 KB answer to process 0 at 1.1 s waits behind it.
        let small = m.read(0, t(1.1), 1e3);
        assert!((small.secs() - (2.0 + 1e-5)).abs() < 1e-9, "{}", small.secs());
        // The same answer to process 1 is read at once.
        let other = m.read(1, t(1.1), 1e3);
        assert!((other.secs() - (1.1 + 1e-5)).abs() < 1e-9, "{}", other.secs());
        assert!((m.backlog_s(0, t(1.5)) - (0.5 + 1e-5)).abs() < 1e-9);
        assert_eq!(m.backlog_s(1, t(3.0)), 0.0);
    }
}
