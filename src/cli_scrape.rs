//! `dehusk scrape`: the command-line layer over [`dehusk::fetch`].

use std::fs::{File, OpenOptions};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use dehusk::fetch::{self, FetchConfig, FetchedRecord, Fetcher, RunOptions, UrlReader};
use dehusk::Extractor;

/// Fetch and extraction settings that `scrape` and `serve` share.
#[derive(clap::Args)]
pub(crate) struct FetchFlags {
    /// Minimum gap between requests to one host (seconds, or 500ms, 2s...); a larger
    /// robots.txt Crawl-delay wins.
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    delay: Duration,
    /// Refuse fetched bodies larger than this many bytes (after decompression).
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    max_bytes: u64,
    /// The User-Agent header (default: dehusk/VERSION); its first word is the robots.txt agent.
    #[arg(long)]
    user_agent: Option<String>,
    /// Do not fetch or obey robots.txt.
    #[arg(long)]
    ignore_robots: bool,
    /// Also render each article as Markdown (the record's markdown field).
    #[arg(long)]
    markdown: bool,
    /// Accept any TLS certificate (self-signed, expired, another host's): for test servers
    /// and intranets only. Applies to scrape and to serve's /scrape alike.
    #[arg(long)]
    insecure: bool,
    /// Give up on extracting a page after this long (error kind page_timeout; 0 for no limit).
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    page_timeout: Duration,
}

impl FetchFlags {
    /// `cfg` with these flags' delay, size limit, robots policy, User-Agent and TLS checks.
    pub(crate) fn apply(&self, cfg: FetchConfig) -> FetchConfig {
        FetchConfig {
            accept_invalid_certs: self.insecure,
            delay: self.delay,
            max_bytes: self.max_bytes,
            obey_robots: !self.ignore_robots,
            user_agent: self
                .user_agent
                .clone()
                .unwrap_or_else(fetch::default_user_agent),
            ..cfg
        }
    }

    /// An extractor refusing inputs over `max_bytes`, rendering Markdown when asked.
    pub(crate) fn extractor(&self, max_bytes: u64) -> Extractor {
        Extractor::builder()
            .max_bytes(max_bytes)
            .markdown(self.markdown)
            .time_limit(self.page_timeout)
            .build()
    }
}

/// Arguments of `dehusk scrape`.
#[derive(clap::Args)]
pub struct ScrapeArgs {
    /// Files with one URL (or one JSON object with a "url") per line; - or none for stdin.
    inputs: Vec<String>,
    /// Write records to FILE, one whole JSON line at a time, instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Keep the records already in the -o FILE, skip their URLs, and append the rest.
    #[arg(long, requires = "output")]
    resume: bool,
    /// Write records in input order (default: as soon as each page is done).
    #[arg(long)]
    ordered: bool,
    /// Requests in flight at once, over all hosts.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..))]
    concurrency: u32,
    /// Requests in flight at once to one host.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    per_host: u32,
    #[command(flatten)]
    fetch: FetchFlags,
    /// Limit for connecting and for each whole request (seconds, or 500ms, 1m...).
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    timeout: Duration,
    /// Extra attempts after connection errors, timeouts, 429 and 5xx.
    #[arg(long, default_value_t = 2)]
    retries: u32,
    /// Keep each raw page as DIR/HASH.html.gz, with its URL in DIR/HASH.url.
    #[arg(long, value_name = "DIR")]
    save_html: Option<PathBuf>,
    /// No progress bar and no summary on stderr.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Archive every response (and its request) to FILE, a gzipped WARC 1.1 file.
    #[arg(long, value_name = "FILE")]
    warc_out: Option<PathBuf>,
    /// Keep only the URLs whose host hashes to shard K of N (e.g. 0/4).
    #[arg(long, value_name = "K/N")]
    shard: Option<dehusk::shard::Shard>,
}

pub(crate) fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<f64>() {
        return if secs.is_finite() && secs >= 0.0 {
            Ok(Duration::from_secs_f64(secs))
        } else {
            Err(format!("invalid duration {s:?}"))
        };
    }
    humantime::parse_duration(s).map_err(|e| format!("invalid duration {s:?}: {e}"))
}

/// Runs `dehusk scrape`; returns the exit code (0 all ok, 1 some failed, 130 interrupted).
pub fn run(args: ScrapeArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let inputs = if args.inputs.is_empty() {
        vec!["-".to_string()]
    } else {
        args.inputs.clone()
    };
    // Missing lists are usage errors, found before anything is fetched or written.
    for name in inputs.iter().filter(|n| *n != "-") {
        File::open(name).with_context(|| format!("cannot read {name}"))?;
    }
    let mut done = fetch::resume::Done::default();
    let out = match &args.output {
        None => LineSink::Stdout(io::stdout()),
        Some(path) => {
            if args.resume {
                done = fetch::resume::prepare(path)
                    .with_context(|| format!("cannot resume from {}", path.display()))?;
            }
            let mut opts = OpenOptions::new();
            if args.resume {
                opts.append(true).create(true);
            } else {
                opts.write(true).create(true).truncate(true);
            }
            let file = opts
                .open(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            // Appending starts after the whole lines `prepare` kept.
            let whole = file
                .metadata()
                .with_context(|| format!("cannot write {}", path.display()))?
                .len();
            LineSink::File { file, whole }
        }
    };
    let cfg = args.fetch.apply(FetchConfig {
        concurrency: args.concurrency as usize,
        per_host: args.per_host as usize,
        retries: args.retries,
        timeout: args.timeout,
        save_html: args.save_html.clone(),
        ..Default::default()
    });
    let extractor = args.fetch.extractor(args.fetch.max_bytes);
    let mut fetcher = Fetcher::new(cfg, extractor).context("cannot set up the HTTP client")?;
    let archive = match &args.warc_out {
        Some(path) => {
            let w = dehusk::warc::ArchiveWriter::create(path, &fetch::default_user_agent())
                .with_context(|| format!("cannot write {}", path.display()))?;
            fetcher = fetcher.with_archive(w.handle());
            Some(w)
        }
        None => None,
    };
    let fetcher = Arc::new(fetcher);
    let reader = UrlReader::new(inputs, std::mem::take(&mut done.sources));
    let counts = reader.counts();
    let opts = RunOptions {
        ordered: args.ordered,
        window: (args.concurrency as usize * 16).max(256),
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let show_progress = !args.quiet && io::stderr().is_terminal();
    let summary = rt.block_on(async {
        watch_signals(fetcher.clone(), interrupted.clone());
        let progress = show_progress.then(|| progress_bar(fetcher.clone(), started));
        let shard = args.shard;
        // Lines that are no URL are kept by the shard their text hashes to, so every line
        // still lands in exactly one shard.
        let jobs = reader.filter(move |job| match (shard, job) {
            (None, _) => true,
            (Some(s), fetch::Job::Fetch { url, .. }) => s.contains(url.as_str()),
            (Some(s), fetch::Job::Failed(rec)) => s.contains(&rec.record.source),
        });
        let summary = fetch::scrape(fetcher.clone(), jobs, opts, write_lines(out)).await;
        if let Some((bar, ticker)) = progress {
            ticker.abort();
            bar.finish_and_clear();
        }
        summary
    });
    // Pending timers and idle connections need not be waited for.
    rt.shutdown_background();
    if let (Some(w), Some(path)) = (archive, &args.warc_out) {
        w.finish()
            .with_context(|| format!("cannot write {}", path.display()))?;
    }

    let broken_pipe = summary
        .write_error
        .as_ref()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe);
    if let Some(e) = summary.write_error {
        if !broken_pipe {
            return Err(e).with_context(|| match &args.output {
                Some(path) => format!(
                    "cannot write {} after {} record(s); it holds whole lines only, \
                     so --resume -o {} finishes the list once there is room",
                    path.display(),
                    summary.written,
                    path.display()
                ),
                None => format!("cannot write output after {} record(s)", summary.written),
            });
        }
    }
    let interrupted = interrupted.load(Ordering::SeqCst);
    if !args.quiet {
        let mut line = format!(
            "dehusk: {} record(s), {} ok, {} failed",
            summary.written,
            summary.written - summary.failed,
            summary.failed
        );
        let dups = counts.duplicates.load(Ordering::Relaxed);
        if dups > 0 {
            line.push_str(&format!(", {dups} duplicate(s) skipped"));
        }
        let resumed = counts.resumed.load(Ordering::Relaxed);
        if args.resume {
            line.push_str(&format!(", {resumed} already done"));
            if done.truncated > 0 {
                line.push_str(&format!(" (cut a {}-byte partial line)", done.truncated));
            }
        }
        line.push_str(&format!(" in {:.1}s", started.elapsed().as_secs_f64()));
        if interrupted {
            line.push_str("; interrupted: run again with --resume -o FILE to finish");
        }
        eprintln!("{line}");
    }
    Ok(if interrupted {
        130
    } else if summary.failed > 0 {
        1
    } else {
        0
    })
}

/// Where `scrape` writes its lines.
enum LineSink {
    Stdout(io::Stdout),
    /// The -o file and the length of its whole lines so far.
    File {
        file: File,
        whole: u64,
    },
}

impl LineSink {
    /// Writes one whole line. When a write fails midway (a full disk, a file size limit),
    /// the file is cut back to its last whole line, so that it never ends in a torn record
    /// and `--resume` carries on from it.
    fn write_line(&mut self, line: &[u8]) -> io::Result<()> {
        match self {
            LineSink::Stdout(out) => {
                let mut out = out.lock();
                out.write_all(line)?;
                out.flush()
            }
            LineSink::File { file, whole } => match file.write_all(line) {
                Ok(()) => {
                    *whole += line.len() as u64;
                    Ok(())
                }
                Err(e) => {
                    if let Err(cut) = file.set_len(*whole) {
                        tracing::error!("cannot cut the output back to its last whole line: {cut}");
                    }
                    Err(e)
                }
            },
        }
    }
}

/// Serialises each record fully, then writes it with one call, so the output only ever
/// holds whole lines.
fn write_lines(mut out: LineSink) -> impl FnMut(&FetchedRecord) -> io::Result<()> + Send + 'static {
    move |rec| {
        if let Some(e) = &rec.record.error {
            tracing::info!(source = %rec.record.source, kind = %e.kind, "{}", e.message);
        }
        let mut buf = serde_json::to_vec(rec).map_err(io::Error::other)?;
        buf.push(b'\n');
        out.write_line(&buf)
    }
}

/// SIGINT or SIGTERM stop new fetches and let those in flight finish; a second one exits
/// at once (the output still holds whole lines, and --resume cuts any torn one).
fn watch_signals(fetcher: Arc<Fetcher>, interrupted: Arc<AtomicBool>) {
    tokio::spawn(async move {
        #[cfg(unix)]
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        loop {
            #[cfg(unix)]
            let term_recv = async {
                match term.as_mut() {
                    Some(t) => {
                        t.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            #[cfg(not(unix))]
            let term_recv = std::future::pending::<()>();
            tokio::select! {
                r = tokio::signal::ctrl_c() => if r.is_err() { return },
                _ = term_recv => {}
            }
            if interrupted.swap(true, Ordering::SeqCst) {
                eprintln!("dehusk: interrupted again, exiting now");
                std::process::exit(130);
            }
            let n = fetcher.stats.in_flight.load(Ordering::Relaxed);
            eprintln!("dehusk: stopping; letting {n} request(s) in flight finish (signal again to quit now)");
            fetcher.stop();
        }
    });
}

fn progress_bar(
    fetcher: Arc<Fetcher>,
    started: Instant,
) -> (indicatif::ProgressBar, tokio::task::JoinHandle<()>) {
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg}").expect("valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let b = bar.clone();
    let ticker = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_millis(250));
        loop {
            every.tick().await;
            let s = &fetcher.stats;
            let done = s.done.load(Ordering::Relaxed);
            let rate = done as f64 / started.elapsed().as_secs_f64().max(0.001);
            b.set_message(format!(
                "{done} done, {} failed, {} in flight, {rate:.1} pages/s",
                s.failed.load(Ordering::Relaxed),
                s.in_flight.load(Ordering::Relaxed)
            ));
        }
    });
    (bar, ticker)
}
