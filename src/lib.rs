//! dehusk: a boilerplate-stripping web scraper.
//!
//! Three stages joined by plain data: [`extract`] turns HTML into a [`Record`] (main text,
//! metadata, comments, related links), [`output`] serialises records, and [`input`] reads
//! saved pages from disk. The CLI (`dehusk`) is a thin layer over this library.
//!
//! ```
//! use dehusk::Extractor;
//!
//! let html = r#"<html><head><title>Hello</title></head><body>
//!   <nav><a href="/">Home</a> <a href="/news">News</a></nav>
//!   <article><h1>Hello</h1>
//!   <p>This is the first paragraph of a story, long enough to count as prose, with commas, too.</p>
//!   <p>A second paragraph follows it, and it also reads like real article text for the scorer.</p>
//!   </article>
//!   <footer>© 2024 Example. All rights reserved.</footer></body></html>"#;
//! let rec = Extractor::new().extract(html, Some("https://example.com/hello"));
//! assert!(rec.text.starts_with("This is the first paragraph"));
//! assert!(!rec.text.contains("All rights reserved"));
//! ```
//!
//! Streaming records to any writer, one whole record at a time:
//!
//! ```
//! use dehusk::{Extractor, Format, RecordWriter};
//!
//! let ex = Extractor::new();
//! let mut out = RecordWriter::new(Vec::new(), Format::Jsonl);
//! for html in ["<p>First page, with enough words to be read as a paragraph of text.</p>",
//!              "<p>Second page, also long enough to be read as a paragraph of prose.</p>"] {
//!     out.write(&ex.extract(html, None)).unwrap();
//! }
//! let bytes = out.finish().unwrap();
//! assert_eq!(String::from_utf8(bytes).unwrap().lines().count(), 2);
//! ```
//!
//! Fetching a list of URLs politely (robots.txt, per-host limits, retries) and extracting each
//! page as it arrives:
//!
//! ```no_run
//! use std::sync::Arc;
//! use dehusk::fetch::{scrape_list, FetchConfig, Fetcher, RunOptions};
//!
//! # async fn demo() {
//! let fetcher = Arc::new(Fetcher::new(FetchConfig::default(), dehusk::Extractor::new()).unwrap());
//! let list = "https://example.com/a\nhttps://example.org/b\n";
//! let (records, summary) = scrape_list(fetcher, list, RunOptions::default()).await;
//! for r in &records {
//!     println!("{}", serde_json::to_string(r).unwrap());
//! }
//! # let _ = summary;
//! # }
//! ```

#![warn(missing_docs)]

pub mod error;
pub mod explain;
pub mod extract;
pub mod fetch;
pub mod input;
pub mod output;
pub mod record;
pub mod serve;
pub mod shard;
pub mod warc;

pub use error::{Error, Result};
pub use extract::{Extractor, ExtractorBuilder, Options};
pub use output::{Format, RecordWriter};
pub use record::{Comment, Link, PageType, Record, RecordError, SCHEMA_VERSION};
