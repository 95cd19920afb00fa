//! The `dehusk` command line: a thin layer over the library.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use rayon::prelude::*;

use dehusk::input::{self, Input};
use dehusk::{Extractor, Format, Record, RecordWriter};

mod cli_jsonl;
mod cli_outdir;
mod cli_scrape;
mod cli_serve;
mod cli_warc;

#[derive(Parser)]
#[command(
    name = "dehusk",
    version,
    about = "Strip the boilerplate off web pages: clean article records out."
)]
struct Cli {
    /// More logging on stderr (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    cmd: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract articles from saved HTML files, directories or stdin.
    Extract(ExtractArgs),
    /// Fetch URLs (one per line) and extract each page into a record.
    Scrape(cli_scrape::ScrapeArgs),
    /// Serve extraction and scraping over HTTP (POST /extract, POST /scrape, GET /health).
    Serve(cli_serve::ServeArgs),
    /// Write an HTML report of why each block of a page was kept, moved or removed.
    Explain {
        /// The page (a saved HTML file, also .gz, or - for stdin).
        page: String,
        /// The page URL, to resolve relative links.
        #[arg(long)]
        url: Option<String>,
        /// Write the report to FILE instead of stdout.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print the record's JSON Schema (the same as schema/record.schema.json).
    Schema,
    /// Print the page-type model's features for each page, as JSON lines (for training).
    #[command(hide = true)]
    Features {
        /// Files or directories.
        inputs: Vec<String>,
    },
    /// Print the content decisions for one page (for debugging extraction).
    #[command(hide = true)]
    Trace {
        /// The page.
        path: PathBuf,
        /// The page URL.
        #[arg(long)]
        url: Option<String>,
    },
}

#[derive(clap::Args)]
struct ExtractArgs {
    /// Files, directories (searched recursively for .html, .htm, .xhtml, .warc, also .gz) or -
    /// for stdin; .warc and .warc.gz files are web archives.
    #[arg(required_unless_present = "stdin_jsonl")]
    inputs: Vec<String>,
    /// Read pages as JSON lines {"url": ..., "html": ...} (or "html_base64") from stdin.
    #[arg(long, conflicts_with_all = ["inputs", "url"])]
    stdin_jsonl: bool,
    /// The page URL, to resolve relative links (only with a single input).
    #[arg(long)]
    url: Option<String>,
    /// Output format: jsonl, json, text, markdown, html or csv.
    #[arg(long, short = 'f', default_value = "jsonl")]
    format: Format,
    /// Start each Markdown record with YAML front matter holding its metadata.
    #[arg(long)]
    front_matter: bool,
    /// Write to FILE (atomically: complete or not at all) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write one file per record into DIR, named from its URL or input file.
    #[arg(
        short = 'O',
        long = "output-dir",
        value_name = "DIR",
        conflicts_with = "output"
    )]
    output_dir: Option<PathBuf>,
    /// Make every record that is not an article an error of kind not_article.
    #[arg(long)]
    articles_only: bool,
    /// Keep a low-confidence text that is only scraps (labels, prices, no sentence) instead
    /// of an empty text for a page without main content.
    #[arg(long)]
    keep_fragments: bool,
    /// Refuse inputs larger than this many bytes (after decompression).
    #[arg(long, default_value_t = 20 * 1024 * 1024)]
    max_bytes: u64,
    /// Refuse pages of more than this many DOM nodes (error kind too_many_nodes).
    #[arg(long, default_value_t = 500_000)]
    max_nodes: usize,
    /// Give up on a page after this long parsing and analysing it (error kind page_timeout;
    /// seconds, or 500ms, 1m...; 0 for no limit).
    #[arg(long, default_value = "10s", value_parser = cli_scrape::parse_duration)]
    page_timeout: std::time::Duration,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    /// Print no summary on stderr.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Keep only the inputs whose URL host (or path, without a URL) hashes to shard K of N.
    #[arg(long, value_name = "K/N")]
    shard: Option<dehusk::shard::Shard>,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_logging(cli.verbose);
    ignore_file_size_signal();
    let result = match cli.cmd {
        Command::Extract(args) => run_extract(args),
        Command::Scrape(args) => cli_scrape::run(args),
        Command::Serve(args) => cli_serve::run(args),
        Command::Trace { path, url } => run_trace(&path, url.as_deref()),
        Command::Explain { page, url, output } => {
            run_explain(&page, url.as_deref(), output.as_deref())
        }
        Command::Features { inputs } => run_features(&inputs),
        Command::Schema => run_schema(),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("dehusk: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// A write past the file size limit (`ulimit -f`) raises SIGXFSZ, which by default kills
/// the process mid-line; ignored, the write fails with EFBIG instead and goes down the same
/// path as a full disk (a clear error, whole lines only, the temporary output removed).
fn ignore_file_size_signal() {
    #[cfg(unix)]
    // SAFETY: called once at start-up, before any other thread exists; SIG_IGN installs no
    // handler code.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn,html5ever=error,selectors=error",
        1 => "info,html5ever=error",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .try_init();
}

/// Inputs are extracted in batches: each batch in parallel, written in input order.
const BATCH: usize = 256;

/// Bytes of JSON lines read ahead per batch with `--stdin-jsonl`.
const JSONL_BATCH_BYTES: usize = 64 * 1024 * 1024;

fn run_extract(args: ExtractArgs) -> anyhow::Result<u8> {
    let inputs = input::expand(&args.inputs);
    if args.url.is_some() && inputs.len() > 1 {
        anyhow::bail!(
            "--url applies to a single input, but {} were given",
            inputs.len()
        );
    }
    if let Some(u) = &args.url {
        url::Url::parse(u).with_context(|| format!("invalid --url {u:?}"))?;
        if inputs.iter().any(is_warc) {
            anyhow::bail!("--url does not apply to web archives: their records carry their URLs");
        }
    }
    if args.front_matter && args.format != Format::Markdown {
        anyhow::bail!("--front-matter applies to --format markdown only");
    }
    if let Some(j) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(j.max(1))
            .build_global()
            .ok();
    }
    let extractor = Extractor::builder()
        .max_bytes(args.max_bytes)
        .max_nodes(args.max_nodes)
        .time_limit(args.page_timeout)
        .markdown(args.format.needs_markdown())
        .html(args.format.needs_html())
        .articles_only(args.articles_only)
        .keep_fragments(args.keep_fragments)
        .build();

    let mut out_dir = match &args.output_dir {
        Some(d) => Some(
            cli_outdir::OutDir::new(d, args.format, args.front_matter)
                .with_context(|| format!("cannot create {}", d.display()))?,
        ),
        None => None,
    };
    let (sink, tmp): (Box<dyn Write>, Option<tempfile::NamedTempFile>) = match &args.output {
        // With -O the records go to their own files and the stream writer sees nothing.
        None if out_dir.is_some() => (Box::new(io::sink()), None),
        None => (Box::new(io::BufWriter::new(io::stdout().lock())), None),
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let tmp = tempfile::Builder::new()
                .prefix(".dehusk-")
                .suffix(".part")
                .tempfile_in(dir)
                .with_context(|| format!("cannot create a file in {}", dir.display()))?;
            let f = tmp.reopen().context("cannot open the temporary output")?;
            (Box::new(io::BufWriter::new(f)), Some(tmp))
        }
    };
    let mut writer = RecordWriter::new(sink, args.format).front_matter(args.front_matter);
    // The records go to a temporary file that a failure removes, so -o FILE is untouched.
    let write_failed = || match &args.output {
        Some(p) => format!("cannot write {} (left unchanged)", p.display()),
        None => "cannot write output".to_string(),
    };
    let mut failed = 0usize;
    let mut total = 0usize;
    // Writes one batch in order; false when the reader went away (a closed pipe).
    let mut emit = |recs: &[Record]| -> anyhow::Result<bool> {
        for r in recs {
            if r.is_error() {
                failed += 1;
                tracing::warn!(source = %r.source, "{}", r.error.as_ref().map(|e| e.message.as_str()).unwrap_or(""));
            }
            total += 1;
            if let Some(d) = out_dir.as_mut() {
                d.write(r)
                    .with_context(|| format!("cannot write the file for {}", r.source))?;
                continue;
            }
            if let Err(e) = writer.write(r) {
                if e.kind() == io::ErrorKind::BrokenPipe {
                    return Ok(false);
                }
                return Err(e).with_context(write_failed);
            }
        }
        Ok(true)
    };
    if args.stdin_jsonl {
        let limit = cli_jsonl::line_limit(&extractor);
        let mut lines = cli_jsonl::Lines::new(io::stdin().lock(), limit);
        loop {
            // Batches are capped by bytes as well as count, so memory stays bounded even
            // when every line is a large page.
            let mut batch = Vec::with_capacity(BATCH);
            let mut bytes = 0usize;
            while batch.len() < BATCH && bytes < JSONL_BATCH_BYTES {
                match lines.next_line().context("cannot read stdin")? {
                    Some(l) => {
                        bytes += l.len();
                        batch.push(l);
                    }
                    None => break,
                }
            }
            if batch.is_empty() {
                break;
            }
            let recs: Vec<Record> = batch
                .par_iter()
                .filter(|l| {
                    args.shard
                        .is_none_or(|s| s.contains(&cli_jsonl::shard_key(l)))
                })
                .map(|l| cli_jsonl::extract_line(&extractor, l))
                .collect();
            if !emit(&recs)? {
                return Ok(if failed > 0 { 1 } else { 0 });
            }
        }
    } else {
        // Pages are extracted in batches; a web archive in the list is streamed in its
        // place, so records still come out in input order.
        let files: Vec<&Input> = inputs
            .iter()
            .filter(|inp| is_warc(inp) || args.shard.is_none_or(|s| s.contains(&file_key(inp))))
            .collect();
        let mut pending: Vec<&Input> = Vec::with_capacity(BATCH);
        let mut iter = files.into_iter().peekable();
        while let Some(inp) = iter.next() {
            if is_warc(inp) {
                let Input::File(path) = inp else { continue };
                if !cli_warc::extract_warc(&extractor, path, args.shard, &mut emit)? {
                    return Ok(if failed > 0 { 1 } else { 0 });
                }
                continue;
            }
            pending.push(inp);
            let next_is_warc = iter.peek().is_some_and(|n| is_warc(n));
            if pending.len() == BATCH || next_is_warc || iter.peek().is_none() {
                let recs: Vec<Record> = pending
                    .par_iter()
                    .map(|inp| extract_one(&extractor, inp, args.url.as_deref()))
                    .collect();
                pending.clear();
                if !emit(&recs)? {
                    return Ok(if failed > 0 { 1 } else { 0 });
                }
            }
        }
    }
    match writer.finish() {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e).with_context(write_failed),
    }
    if let (Some(tmp), Some(path)) = (tmp, &args.output) {
        // Some file systems report a full disk only when the data is flushed; that must
        // fail here, before the rename replaces the old output.
        tmp.as_file().sync_all().with_context(write_failed)?;
        tmp.persist(path)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if !args.quiet {
        eprintln!(
            "dehusk: {total} input(s), {} ok, {failed} failed",
            total - failed
        );
    }
    Ok(if failed > 0 { 1 } else { 0 })
}

fn is_warc(inp: &Input) -> bool {
    matches!(inp, Input::File(p) if dehusk::warc::is_warc_path(p))
}

/// The `--shard` key of a saved page: its URL when `scrape --save-html` kept one, else its path.
fn file_key(inp: &Input) -> String {
    match inp {
        Input::File(p) => dehusk::fetch::save::saved_url(p).unwrap_or_else(|| inp.source()),
        Input::Stdin => inp.source(),
    }
}

fn extract_one(ex: &Extractor, inp: &Input, url: Option<&str>) -> Record {
    let source = inp.source();
    // Pages kept by `scrape --save-html` carry their URL in a sibling NAME.url file.
    let saved = match (url, inp) {
        (None, Input::File(p)) => dehusk::fetch::save::saved_url(p),
        _ => None,
    };
    let url = url.or(saved.as_deref());
    let bytes = match input::read(inp, ex.options().max_bytes) {
        Ok(b) => b,
        Err(e) => {
            let mut r = Record::failed(source, e.kind(), e.to_string());
            r.url = url.map(str::to_string);
            return r;
        }
    };
    // A panic in one page must never take the others down with it.
    let rec = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ex.extract_bytes(&bytes, url, None)
    }));
    let mut rec = rec
        .unwrap_or_else(|_| Record::failed("", "internal", "the extractor panicked on this input"));
    rec.source = source;
    rec
}

fn run_trace(path: &std::path::Path, url: Option<&str>) -> anyhow::Result<u8> {
    let bytes = input::read(&Input::File(path.to_path_buf()), u64::MAX)?;
    let (html, _) = dehusk::extract::charset::decode(&bytes, None);
    print!("{}", dehusk::extract::trace(&html, url));
    Ok(0)
}

fn run_explain(
    page: &str,
    url: Option<&str>,
    output: Option<&std::path::Path>,
) -> anyhow::Result<u8> {
    if let Some(u) = url {
        url::Url::parse(u).with_context(|| format!("invalid --url {u:?}"))?;
    }
    let inp = if page == "-" {
        Input::Stdin
    } else {
        Input::File(PathBuf::from(page))
    };
    let bytes = input::read(&inp, Extractor::new().options().max_bytes)
        .with_context(|| format!("cannot read {page}"))?;
    let (html, _) = dehusk::extract::charset::decode(&bytes, None);
    let report = dehusk::explain::explain(&html, url);
    match output {
        Some(path) => std::fs::write(path, report)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut out = io::stdout().lock();
            match out.write_all(report.as_bytes()).and_then(|_| out.flush()) {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                    return Err(e).context("cannot write output")
                }
                _ => {}
            }
        }
    }
    Ok(0)
}

fn run_schema() -> anyhow::Result<u8> {
    let mut out = io::stdout().lock();
    match out
        .write_all(dehusk::record::json_schema_string().as_bytes())
        .and_then(|_| out.flush())
    {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e).context("cannot write output"),
        _ => Ok(0),
    }
}

fn run_features(args: &[String]) -> anyhow::Result<u8> {
    for inp in input::expand(args) {
        let bytes = input::read(&inp, u64::MAX)?;
        let (html, _) = dehusk::extract::charset::decode(&bytes, None);
        let (x, c) = dehusk::extract::model_inputs(&html, None);
        println!(
            "{}",
            serde_json::json!({"source": inp.source(), "x": x, "c": c})
        );
    }
    Ok(0)
}
