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
