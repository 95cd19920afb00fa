//! The library's typed errors; the CLI turns them into messages and error records.

use std::path::PathBuf;

/// Everything that can go wrong while turning one input into a record.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input could not be read.
    #[error("cannot read {path}")]
    Io {
        /// The file that failed.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The input is larger than the configured limit.
    #[error("input is over the {limit}-byte limit (read {size} bytes)")]
    TooLarge {
        /// The input's size in bytes.
        size: u64,
        /// The configured limit.
        limit: u64,
    },
    /// The input is not HTML (binary data, an image, a PDF...).
    #[error("not HTML: {0}")]
    NotHtml(String),
    /// A compressed input could not be decompressed.
    #[error("cannot decompress: {0}")]
    Decompress(String),
    /// The input is empty.
    #[error("empty input")]
    Empty,
    /// The page nests elements deeper than the configured limit.
    #[error("page nests elements more than {0} deep")]
    TooDeep(usize),
    /// The parsed page holds more nodes than the configured limit.
    #[error("page has more than {0} nodes")]
    TooManyNodes(usize),
    /// Extracting the page took longer than the configured time limit.
    #[error("extraction took over {limit:?} (stopped while {stage})")]
    TimedOut {
        /// The configured limit.
        limit: std::time::Duration,
        /// What the extractor was doing when the limit passed (`parsing`, `analysing`...).
        stage: &'static str,
    },
}

impl Error {
    /// A stable machine-readable kind for error records.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::TooLarge { .. } => "too_large",
            Error::NotHtml(_) => "not_html",
            Error::Decompress(_) => "decompress",
            Error::Empty => "empty",
            Error::TooDeep(_) => "too_deep",
            Error::TooManyNodes(_) => "too_many_nodes",
            Error::TimedOut { .. } => "page_timeout",
        }
    }

    /// True when the input exceeded a size limit.
    pub fn is_too_large(&self) -> bool {
        matches!(self, Error::TooLarge { .. })
    }

    /// True when the page had more nodes than the node limit.
    pub fn is_too_many_nodes(&self) -> bool {
        matches!(self, Error::TooManyNodes(_))
    }

    /// True when extracting the page ran over the time limit.
    pub fn is_timed_out(&self) -> bool {
        matches!(self, Error::TimedOut { .. })
    }

    /// True when the page nested elements deeper than the depth limit.
    pub fn is_too_deep(&self) -> bool {
        matches!(self, Error::TooDeep(_))
    }

    /// True when the input was not an HTML document.
    pub fn is_not_html(&self) -> bool {
        matches!(self, Error::NotHtml(_))
    }
}

/// Convenience alias for library results.
pub type Result<T> = std::result::Result<T, Error>;
