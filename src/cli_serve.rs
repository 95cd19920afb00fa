//! `dehusk serve`: the command-line layer over [`dehusk::serve`].

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;

use dehusk::fetch::FetchConfig;
use dehusk::serve::{self, ServeConfig};

/// Arguments of `dehusk serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Refuse request bodies larger than this many bytes (413).
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    max_body: usize,
    /// /extract and /scrape requests handled at once; more get 503.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..))]
    concurrency: u32,
    /// Time limit per request (seconds, or 500ms, 1m...): 504 from /extract, timeout
    /// records from /scrape.
    #[arg(long, default_value = "60s", value_parser = crate::cli_scrape::parse_duration)]
    timeout: Duration,
    /// Let /scrape fetch loopback, private, link-local and other non-public addresses.
    #[arg(long)]
    allow_private: bool,
    #[command(flatten)]
    fetch: crate::cli_scrape::FetchFlags,
}

/// Runs `dehusk serve` until SIGINT or SIGTERM; returns the exit code.
pub fn run(args: ServeArgs) -> anyhow::Result<u8> {
    let config = ServeConfig {
        max_body: args.max_body,
        concurrency: args.concurrency as usize,
        timeout: args.timeout,
        allow_private: args.allow_private,
        fetch: args.fetch.apply(FetchConfig::default()),
        extractor: args.fetch.extractor(args.max_body as u64),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let addr = listener.local_addr().context("no local address")?;
        eprintln!("dehusk: serving on http://{addr} (Ctrl-C to stop)");
        serve::serve(listener, config, async {
            serve::shutdown_signal().await;
            eprintln!("dehusk: shutting down; letting requests in flight finish");
        })
        .await
        .context("the service failed")
    })?;
    // Idle blocking threads (DNS, extraction) need not be waited for.
    rt.shutdown_background();
    Ok(0)
}
