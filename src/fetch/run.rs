//! The pipeline: a reader thread feeds jobs through a bounded channel, a window of at most
//! `window` URLs is in progress at once, and a writer thread hands finished records to the
//! sink (reordered when asked). Memory is bounded by the window, not by the list's length.

use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::urls::{Job, UrlReader};
use super::{FetchedRecord, Fetcher};

/// Live counters of a run.
#[derive(Debug, Default)]
pub struct Stats {
    /// Records written.
    pub done: AtomicU64,
    /// Records written that carry an error.
    pub failed: AtomicU64,
    /// Requests on the wire right now.
    pub in_flight: AtomicU64,
}

/// Counts a request as in flight until dropped.
pub struct InFlight<'a>(&'a Stats);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Stats {
    /// Marks one request in flight for the guard's lifetime.
    pub fn in_flight_guard(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(self)
    }
}

/// How a run hands out its records.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Write records in input order instead of as they finish.
    pub ordered: bool,
    /// URLs in progress at once (waiting for their host, fetching, extracting, or waiting
    /// to be written in order). Bounds memory; must exceed the concurrency to use it.
    pub window: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            ordered: false,
            window: 1024,
        }
    }
}

/// How a run ended.
#[derive(Debug, Default)]
pub struct Summary {
    /// Records handed to the sink.
    pub written: u64,
    /// Of those, records with an error.
    pub failed: u64,
    /// True when the run was stopped before the list was finished.
    pub stopped: bool,
    /// The sink's first error, which also stops the run.
    pub write_error: Option<io::Error>,
}

struct Done {
    seq: u64,
    rec: Option<FetchedRecord>,
    _permit: OwnedSemaphorePermit,
}

/// Runs every job through `fetcher`, calling `sink` once per record from a dedicated thread.
/// Each job yields exactly one record unless the fetcher is stopped first; then jobs not yet
/// started yield none (a later `--resume` run picks them up).
pub async fn scrape<I, S>(fetcher: Arc<Fetcher>, jobs: I, opts: RunOptions, mut sink: S) -> Summary
where
    I: Iterator<Item = Job> + Send + 'static,
    S: FnMut(&FetchedRecord) -> io::Result<()> + Send + 'static,
{
    let window = Arc::new(Semaphore::new(opts.window.max(1)));
    let (job_tx, mut job_rx) = tokio::sync::mpsc::channel::<Job>(256);
    {
        let fetcher = fetcher.clone();
        // Detached: it may sit blocked on stdin, and it ends by itself once the channel closes.
        std::thread::spawn(move || {
            for job in jobs {
                if fetcher.is_stopped() || job_tx.blocking_send(job).is_err() {
                    break;
                }
            }
        });
    }
    let (tx, rx) = std::sync::mpsc::sync_channel::<Done>(opts.window.max(1) + 1);
    let writer = {
        let fetcher = fetcher.clone();
        let ordered = opts.ordered;
        std::thread::spawn(move || {
            let stats = fetcher.stats.clone();
            let mut summary = Summary::default();
            let mut emit = |rec: Option<FetchedRecord>| {
                let Some(rec) = rec else { return };
                if summary.write_error.is_some() {
                    return;
                }
                match sink(&rec) {
                    Ok(()) => {
                        summary.written += 1;
                        stats.done.fetch_add(1, Ordering::Relaxed);
                        if rec.is_error() {
                            summary.failed += 1;
                            stats.failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Err(e) => {
                        summary.write_error = Some(e);
                        fetcher.stop();
                    }
                }
            };
            let mut next = 0u64;
            let mut pending = BTreeMap::new();
            for done in rx {
                if !ordered {
                    emit(done.rec);
                    continue;
                }
                pending.insert(done.seq, done);
                while let Some(d) = pending.remove(&next) {
                    emit(d.rec);
                    next += 1;
                }
            }
            // Gaps are left only by a stop; write what did finish, still in order.
            for (_, d) in pending {
                emit(d.rec);
            }
            summary
        })
    };

    let mut seq = 0u64;
    loop {
        let Some(permit) = fetcher.or_stop(window.clone().acquire_owned()).await else {
            break;
        };
        let permit = permit.expect("never closed");
        let job = tokio::select! {
            j = job_rx.recv() => j,
            _ = fetcher.stopped() => None,
        };
        let Some(job) = job else { break };
        let me = seq;
        seq += 1;
        match job {
            Job::Failed(rec) => {
                let _ = tx.send(Done {
                    seq: me,
                    rec: Some(*rec),
                    _permit: permit,
                });
            }
            Job::Fetch { source, url } => {
                let tx = tx.clone();
                let fetcher = fetcher.clone();
                tokio::spawn(async move {
                    let inner = {
                        let source = source.clone();
                        tokio::spawn(async move { fetcher.fetch_record(&source, &url).await })
                    };
                    // A panic in one fetch still yields that URL's record.
                    let rec = inner.await.unwrap_or_else(|_| {
                        Some(FetchedRecord::failed(
                            source,
                            "internal",
                            "the fetch task panicked",
                        ))
                    });
                    let _ = tx.send(Done {
                        seq: me,
                        rec,
                        _permit: permit,
                    });
                });
            }
        }
    }
    drop(job_rx);
    drop(tx);
    let mut summary = tokio::task::spawn_blocking(move || writer.join())
        .await
        .ok()
        .and_then(|r| r.ok())
        .unwrap_or_default();
    summary.stopped = fetcher.is_stopped();
    summary
}

/// Scrapes a URL list given as text and returns the records: a convenience for tests and
/// small library uses (everything is held in memory).
pub async fn scrape_list(
    fetcher: Arc<Fetcher>,
    list: &str,
    opts: RunOptions,
) -> (Vec<FetchedRecord>, Summary) {
    let out = Arc::new(Mutex::new(Vec::new()));
    let sink_out = out.clone();
    let reader = UrlReader::from_reader("list", io::Cursor::new(list.to_string()));
    let summary = scrape(fetcher, reader, opts, move |r: &FetchedRecord| {
        sink_out.lock().expect("poisoned").push(r.clone());
        Ok(())
    })
    .await;
    let recs = std::mem::take(&mut *out.lock().expect("poisoned"));
    (recs, summary)
}
