//! SignalR clients and their reconnect loop (SignalR 2.x JavaScript client; MODEL.md 3.4).
//!
//! Each client is connected to one worker process. When its connection drops (a network event,
//! its process crashing or being recycled, or ordinary churn) it waits `reconnect_delay` (2 s in
//! the client, plus up to 1 s depending on the transport, S-Nov17), sends a reconnect request
//! through the load balancer, and cancels it client-side after `rc_timeout` (5 s,
//! TransportConnectTimeout) — the server may still process it. A failed attempt waits again and
//! retries. After `give_up` (40 s) since the first drop the client gives up; with probability
//! `p_restart` the page starts a full connect after U(0, `restart_window`). Without jitter the
//! clients that dropped together retry together: waves every 2–3 s. Jitter J adds U(0, J) to
//! every delay (action item "stagger reconnect calls").
//!
//! A reconnect costs CPU that grows with the server's message buffer (`c_rc0 + c_rc_msg ×
//! buffer`, action item "decreased the size of the SignalR message cache") and SQL calls, which
//! is how the storm opened the database's concurrency breakers.

use super::Timers;
use crate::clients::Target;
use crate::engine::{Engine, Outcome, RequestShape, Sender};
use crate::rng::Stream;
use crate::time::{Dur, SimTime};
use serde::{Deserialize, Serialize};

/// Settings.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SignalRConfig {
    /// Connected clients at the start.
    pub clients: u32,
    /// Processes they are spread over (uniformly).
    pub procs: Vec<u16>,
    /// Where reconnects go (the ATs' balancer).
    pub target: Target,
    /// Fixed part of the delay before a reconnect attempt [s].
    pub delay_s: f64,
    /// Transport-dependent extra delay, uniform up to this [s].
    pub delay_spread_s: f64,
    /// Jitter: uniform extra delay up to this [s] (0 = lockstep).
    pub jitter_s: f64,
    /// Client-side cancel of an attempt (None: the client waits for the answer).
    pub attempt_timeout: Option<Dur>,
    /// Give up this long after the first drop.
    pub give_up: Dur,
    /// Probability that a client that gave up starts a full connect.
    pub p_restart: f64,
    /// Window over which those full connects are spread [s].
    pub restart_window_s: f64,
    /// Connected clients drop on their own at this rate [per hour per client] (ordinary churn).
    pub churn_per_h: f64,
    /// What a reconnect request does.
    pub reconnect: RequestShape,
    /// What a full connect does.
    pub connect: RequestShape,
    /// The network event: at `drop_at`, a fraction `drop_fraction` of connected clients drop.
    pub drop_at: SimTime,
    /// Fraction of connected clients that drop then.
    pub drop_fraction: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum State {
    Connected {
        proc: u16,
    },
    /// Waiting to send attempt; first drop at `since`.
    Waiting {
        since: SimTime,
    },
    Reconnecting {
        since: SimTime,
    },
    GivenUp,
    Connecting,
    Gone,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Client {
    state: State,
    stamp: u32,
}

/// The population of SignalR clients.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SignalR {
    cfg: SignalRConfig,
    owner: u16,
    clients: Vec<Client>,
    timers: Timers,
    rng: Stream,
    dropped: bool,
    /// Reconnect requests sent, cumulative.
    pub attempts: u64,
    /// Reconnects that succeeded, cumulative.
    pub reconnected: u64,
    /// Full connects sent, cumulative.
    pub connects: u64,
    /// Clients that gave up, cumulative.
    pub gave_up: u64,
}

impl SignalR {
    /// The clients, all connected, spread uniformly over `cfg.procs`. `owner` is this
    /// component's id in the engine's signals.
    pub fn new(cfg: SignalRConfig, owner: u16, seed: u64) -> SignalR {
        let mut rng = Stream::derive(seed, "signalr", 0);
        let mut timers = Timers::default();
        let n = cfg.procs.len().max(1);
        let clients = (0..cfg.clients)
            .map(|c| {
                let proc = cfg.procs[rng.index(n)];
                let stamp = Self::churn_timer(&cfg, &mut rng, &mut timers, SimTime::ZERO, c);
                Client { state: State::Connected { proc }, stamp }
            })
            .collect();
        SignalR {
            cfg,
            owner,
            clients,
            timers,
            rng,
            dropped: false,
            attempts: 0,
            reconnected: 0,
            connects: 0,
            gave_up: 0,
        }
    }

    fn churn_timer(cfg: &SignalRConfig, rng: &mut Stream, timers: &mut Timers, now: SimTime, c: u32) -> u32 {
        let e = rng.exp1();
        if cfg.churn_per_h > 0.0 {
            timers.set(now + Dur::from_secs(e * 3600.0 / cfg.churn_per_h), c)
        } else {
            0
        }
    }

    /// Clients currently connected.
    pub fn connected(&self) -> usize {
        self.clients.iter().filter(|c| matches!(c.state, State::Connected { .. })).count()
    }

    /// When it next wants to act.
    pub fn next_wake(&self) -> SimTime {
        let drop = if self.dropped { SimTime::NEVER } else { self.cfg.drop_at };
        self.timers.next().min(drop)
    }

    /// The network drop (once) and every client timer due now.
    pub fn wake(&mut self, eng: &mut Engine) {
        let now = eng.now();
        if !self.dropped && now >= self.cfg.drop_at {
            self.dropped = true;
            for c in 0..self.clients.len() {
                // One draw per client whatever its state, so the drop picks the same clients
                // under any what-if.
                let hit = self.rng.chance(self.cfg.drop_fraction);
                if hit && matches!(self.clients[c].state, State::Connected { .. }) {
                    self.drop_client(now, c);
                }
            }
        }
        while let Some((c, stamp)) = self.timers.pop_due(now) {
            let cl = &self.clients[c as usize];
            if cl.stamp != stamp {
                continue;
            }
            match cl.state {
                State::Connected { .. } => self.drop_client(now, c as usize),
                State::Waiting { since } => {
                    self.clients[c as usize].state = State::Reconnecting { since };
                    self.attempts += 1;
                    let sender = Sender { owner: self.owner, tag: c as u64, client: false };
                    eng.send(self.cfg.target, &self.cfg.reconnect, sender, self.cfg.attempt_timeout);
                }
                State::GivenUp => {
                    self.clients[c as usize].state = State::Connecting;
                    self.connects += 1;
                    let sender = Sender { owner: self.owner, tag: c as u64, client: false };
                    eng.send(self.cfg.target, &self.cfg.connect, sender, self.cfg.attempt_timeout);
                }
                _ => {}
            }
        }
    }

    fn delay(&mut self) -> Dur {
        let spread = self.rng.uniform() * self.cfg.delay_spread_s;
        let jitter = self.rng.uniform() * self.cfg.jitter_s;
        Dur::from_secs(self.cfg.delay_s + spread + jitter)
    }

    fn drop_client(&mut self, now: SimTime, c: usize) {
        let d = self.delay();
        self.clients[c].state = State::Waiting { since: now };
        self.clients[c].stamp = self.timers.set(now + d, c as u32);
    }

    /// The process `proc` went down: its clients lose their connections.
    pub fn on_process_down(&mut self, now: SimTime, proc: u16) {
        for c in 0..self.clients.len() {
            if self.clients[c].state == (State::Connected { proc }) {
                self.drop_client(now, c);
            }
        }
    }

    /// The outcome of a request this component sent for client `tag`.
    pub fn on_outcome(&mut self, now: SimTime, tag: u64, outcome: Outcome, proc: u16) {
        let c = tag as usize;
        let state = self.clients[c].state;
        if outcome.ok() {
            if matches!(state, State::Reconnecting { .. }) {
                self.reconnected += 1;
            }
            if matches!(state, State::Reconnecting { .. } | State::Connecting) {
                self.clients[c].state = State::Connected { proc };
                let stamp = Self::churn_timer(&self.cfg, &mut self.rng, &mut self.timers, now, c as u32);
                self.clients[c].stamp = stamp;
            }
            return;
        }
        match state {
            State::Reconnecting { since } => {
                if now.since(since) > self.cfg.give_up {
                    self.give_up(now, c);
                } else {
                    let d = self.delay();
                    self.clients[c].state = State::Waiting { since };
                    self.clients[c].stamp = self.timers.set(now + d, c as u32);
                }
            }
            State::Connecting => self.give_up(now, c),
            _ => {}
        }
    }

    fn give_up(&mut self, now: SimTime, c: usize) {
        self.gave_up += 1;
        let restart = self.rng.chance(self.cfg.p_restart);
        let after = self.rng.uniform() * self.cfg.restart_window_s;
        if restart {
            self.clients[c].state = State::GivenUp;
            self.clients[c].stamp = self.timers.set(now + Dur::from_secs(after), c as u32);
        } else {
            self.clients[c].state = State::Gone;
        }
    }
}
