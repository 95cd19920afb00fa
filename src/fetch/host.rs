//! Per-host politeness: a cap on requests in flight and a minimum gap between their starts.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::robots::Rules;

/// One origin's politeness state, shared by every request to it.
#[derive(Debug)]
pub struct Host {
    slots: Arc<Semaphore>,
    next_start: Mutex<Instant>,
    delay: Mutex<Duration>,
    /// The origin's robots.txt, fetched once by whichever request needs it first.
    pub robots: tokio::sync::OnceCell<Rules>,
    failures: AtomicU32,
}

impl Host {
    /// A host allowing `per_host` requests in flight, started at least `delay` apart.
    pub fn new(per_host: usize, delay: Duration) -> Self {
        Host {
            slots: Arc::new(Semaphore::new(per_host.max(1))),
            next_start: Mutex::new(Instant::now()),
            delay: Mutex::new(delay),
            robots: tokio::sync::OnceCell::new(),
            failures: AtomicU32::new(0),
        }
    }

    /// Waits for a free slot and for this request's start time; the slot is held until
    /// the permit is dropped.
    pub async fn turn(&self) -> OwnedSemaphorePermit {
        let permit = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .expect("never closed");
        let start = {
            let mut next = self.next_start.lock().expect("poisoned");
            let delay = *self.delay.lock().expect("poisoned");
            let start = (*next).max(Instant::now());
            *next = start + delay;
            start
        };
        tokio::time::sleep_until(start).await;
        permit
    }

    /// Raises the gap between requests (robots.txt Crawl-delay), never lowers it.
    pub fn raise_delay(&self, d: Duration) {
        let mut delay = self.delay.lock().expect("poisoned");
        if d > *delay {
            *delay = d;
        }
    }

    /// Holds every request to this host back until `until` (a `Retry-After`).
    pub fn pause_until(&self, until: Instant) {
        let mut next = self.next_start.lock().expect("poisoned");
        if *next < until {
            *next = until;
        }
    }

    /// Counts a URL whose connection failed; returns the run of failures so far.
    pub fn connect_failed(&self) -> u32 {
        self.failures.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Resets the failure run after any answer from the server.
    pub fn answered(&self) {
        self.failures.store(0, Ordering::Relaxed);
    }

    /// URLs in a row that could not connect.
    pub fn failures(&self) -> u32 {
        self.failures.load(Ordering::Relaxed)
    }

    fn idle(&self) -> bool {
        *self.next_start.lock().expect("poisoned") <= Instant::now()
    }
}

/// All hosts seen, by origin. Entries nobody uses whose delay has passed are dropped once
/// the table grows past its soft cap, so millions of one-page sites do not pile up.
#[derive(Debug)]
pub struct Hosts {
    map: Mutex<(HashMap<String, Arc<Host>>, usize)>,
    per_host: usize,
    delay: Duration,
}

impl Hosts {
    /// An empty table; new hosts get `per_host` slots and `delay`.
    pub fn new(per_host: usize, delay: Duration) -> Self {
        Hosts {
            map: Mutex::new((HashMap::new(), 4096)),
            per_host,
            delay,
        }
    }

    /// The host state for `origin`, created on first use.
    pub fn get(&self, origin: &str) -> Arc<Host> {
        let mut guard = self.map.lock().expect("poisoned");
        let (map, soft_cap) = &mut *guard;
        if let Some(h) = map.get(origin) {
            return h.clone();
        }
        if map.len() >= *soft_cap {
            // Forgetting an idle host loses only its robots.txt (fetched again if needed)
            // and its failure count; its delay has already passed.
            map.retain(|_, h| Arc::strong_count(h) > 1 || !h.idle());
            if map.len() * 2 >= *soft_cap {
                *soft_cap *= 2;
            }
        }
        let h = Arc::new(Host::new(self.per_host, self.delay));
        map.insert(origin.to_string(), h.clone());
        h
    }

    /// Number of hosts currently tracked.
    pub fn len(&self) -> usize {
        self.map.lock().expect("poisoned").0.len()
    }

    /// True when no host is tracked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
