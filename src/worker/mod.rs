//! The simulation in a Web Worker, so that the page's main thread only draws.
//!
//! ```text
//!  page (main thread)                          worker (the page's own wasm)
//!  ┌──────────────────────────────┐  Cmd      ┌───────────────────────────────────┐
//!  │ client: use_live_run, LiveRun├──────────►│ host: onmessage → Runs::apply     │
//!  │   series += rows, version++  │◄──────────┤       12 ms slices → Runs::slice  │
//!  └──────────────────────────────┘  Event    └───────────────────────────────────┘
//! ```
//!
//! * [`runs`]: the worker's runs as plain Rust (start, pause, resume, seek, fork, stop; slices;
//!   streaming only new rows), tested natively.
//! * [`protocol`]: commands and events as JavaScript objects; samples as transferred `Float64Array`s.
//! * [`host`]: the worker's event loop (the page's `main` calls [`host::run`] when it runs in the worker).
//! * [`client`]: the page's side; one worker per page, runs routed by id.

pub mod client;
pub mod host;
pub mod protocol;
pub mod runs;

/// A few values by run id, kept sorted by id in a vector: a page has a handful of runs, and a map
/// type would cost the bundle more code than it saves time.
#[derive(Debug)]
pub struct IdMap<V> {
    items: Vec<(runs::RunId, V)>,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap { items: Vec::new() }
    }
}

impl<V> IdMap<V> {
    fn find(&self, id: runs::RunId) -> Result<usize, usize> {
        self.items.binary_search_by_key(&id, |(k, _)| *k)
    }

    /// The value for `id`.
    pub fn get(&self, id: &runs::RunId) -> Option<&V> {
        self.find(*id).ok().map(|i| &self.items[i].1)
    }

    /// The value for `id`, mutably.
    pub fn get_mut(&mut self, id: &runs::RunId) -> Option<&mut V> {
        self.find(*id).ok().map(move |i| &mut self.items[i].1)
    }

    /// Sets the value for `id`, replacing any.
    pub fn insert(&mut self, id: runs::RunId, v: V) {
        match self.find(id) {
            Ok(i) => self.items[i].1 = v,
            Err(i) => self.items.insert(i, (id, v)),
        }
    }

    /// Removes the value for `id`.
    pub fn remove(&mut self, id: &runs::RunId) -> Option<V> {
        self.find(*id).ok().map(|i| self.items.remove(i).1)
    }

    /// Entries in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&runs::RunId, &V)> {
        self.items.iter().map(|(k, v)| (k, v))
    }

    /// Entries in id order, values mutably.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&runs::RunId, &mut V)> {
        self.items.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// Values in id order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.items.iter().map(|(_, v)| v)
    }

    /// Values in id order, mutably.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.items.iter_mut().map(|(_, v)| v)
    }

    /// Takes every entry out.
    pub fn drain(&mut self) -> impl Iterator<Item = (runs::RunId, V)> + '_ {
        self.items.drain(..)
    }
}

#[cfg(test)]
mod tests {
    use super::IdMap;

    #[test]
    fn an_id_map_keeps_ids_sorted_and_unique() {
        let mut m = IdMap::default();
        for id in [5, 1, 3, 1] {
            m.insert(id, id * 10);
        }
        assert_eq!(m.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(), vec![(1, 10), (3, 30), (5, 50)]);
        assert_eq!(m.remove(&3), Some(30));
        assert_eq!(m.remove(&3), None);
        *m.get_mut(&5).unwrap() += 1;
        assert_eq!((m.get(&5), m.get(&2)), (Some(&51), None));
        assert_eq!(m.drain().count(), 2);
        assert_eq!(m.values().count(), 0);
    }
}
