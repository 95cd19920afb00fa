//! The record schema: what dehusk produces for every input, ok or not.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the record schema; bumped whenever a field changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// One extracted page (or one failed input): the unit every output format writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Record {
    /// The version of this schema, so consumers can detect changes; always written.
    #[serde(default = "schema_version")]
    pub schema_version: u32,
    /// The input as given: a file path, `-` for stdin, or a URL.
    pub source: String,
    /// The page's canonical or final URL, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The article's headline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The article's authors, in page order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Publication date, ISO 8601 (`YYYY-MM-DD`, or a full timestamp when the page gives one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Last-modified date, ISO 8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// The publishing site's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_name: Option<String>,
    /// The page's language as a BCP 47 tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The page's own summary (meta description or og:description).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The page's lead image, as an absolute URL when the page URL is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Keywords and tags the page declares.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// What kind of page this is; decides what "main content" means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_type: Option<PageType>,
    /// Confidence, from 0 to 1, that `text` is the page's main content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    /// The main content as plain text: paragraphs separated by a blank line.
    #[serde(default)]
    pub text: String,
    /// The main content as GitHub-flavoured Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markdown: Option<String>,
    /// The main content as minimal semantic HTML (with `--format html`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Reader comments found on the page, never part of `text`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<Comment>,
    /// Related, recommended and "read next" links, never part of `text`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Link>,
    /// When the page was fetched, RFC 3339: the time `scrape` received it, or the `WARC-Date`
    /// of an archived response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<String>,
    /// The character encoding the page was decoded from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    /// Where each metadata value came from, e.g. `{"date": "json-ld"}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub provenance: BTreeMap<String, String>,
    /// Set when the input could not be processed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RecordError>,
}

/// The kind of page, which decides what counts as main content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PageType {
    /// A news story, blog post or essay.
    Article,
    /// A forum thread or Q&A page: the posts are the content.
    Forum,
    /// A single product's page.
    Product,
    /// A category or collection of products.
    Collection,
    /// An index of teasers: the items' titles and summaries are the content.
    Listing,
    /// Technical documentation or reference.
    Documentation,
    /// A company's service or landing page.
    Service,
    /// Anything else.
    Other,
}

impl PageType {
    /// The lowercase name used in records and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            PageType::Article => "article",
            PageType::Forum => "forum",
            PageType::Product => "product",
            PageType::Collection => "collection",
            PageType::Listing => "listing",
            PageType::Documentation => "documentation",
            PageType::Service => "service",
            PageType::Other => "other",
        }
    }
}

/// One reader comment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Comment {
    /// The commenter's name, when shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// When the comment was posted, ISO 8601 when it could be parsed, else as shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The comment's text.
    pub text: String,
}

/// A link to another page (a related article, a recommendation).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Link {
    /// The link's visible title.
    pub title: String,
    /// The absolute URL (relative when the page URL is unknown).
    pub url: String,
}

/// Why an input produced no article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RecordError {
    /// A stable machine-readable kind, e.g. `io`, `not_html`, `decode`, `not_article`.
    pub kind: String,
    /// A human-readable explanation.
    pub message: String,
}

fn schema_version() -> u32 {
    SCHEMA_VERSION
}

impl Default for Record {
    // Written out by hand so that every record, even a default one, carries the version.
    fn default() -> Self {
        Record {
            schema_version: SCHEMA_VERSION,
            source: String::new(),
            url: None,
            title: None,
            authors: Vec::new(),
            date: None,
            modified: None,
            site_name: None,
            language: None,
            description: None,
            image: None,
            tags: Vec::new(),
            page_type: None,
            confidence: None,
            text: String::new(),
            markdown: None,
            html: None,
            comments: Vec::new(),
            related: Vec::new(),
            fetched_at: None,
            charset: None,
            provenance: BTreeMap::new(),
            error: None,
        }
    }
}

/// The JSON Schema of a record as `dehusk` writes it (checked in as `schema/record.schema.json`).
///
/// Generated from [`crate::fetch::FetchedRecord`], which flattens [`Record`] and adds the
/// optional fields only `dehusk scrape` fills in, so one schema covers both commands.
pub fn json_schema() -> serde_json::Value {
    // The serialize contract: the schema describes what dehusk writes, so fields that are
    // always written (`schema_version`, `text`) are required.
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    let mut schema = generator.into_root_schema_for::<crate::fetch::FetchedRecord>();
    schema.insert("title".into(), "dehusk record".into());
    schema.insert(
        "description".into(),
        "One extracted page (or one failed input). `dehusk extract` writes the Record fields; \
         `dehusk scrape` adds http_status, content_type and elapsed_ms."
            .into(),
    );
    schema.to_value()
}

/// [`json_schema`] as pretty-printed JSON with a trailing newline, exactly as checked in.
pub fn json_schema_string() -> String {
    let mut s = serde_json::to_string_pretty(&json_schema()).expect("a schema always serialises");
    s.push('\n');
    s
}

impl Record {
    /// A record for an input that failed, carrying only its source and the error.
    pub fn failed(source: impl Into<String>, kind: &str, message: impl Into<String>) -> Self {
        Record {
            source: source.into(),
            error: Some(RecordError {
                kind: kind.to_string(),
                message: message.into(),
            }),
            ..Default::default()
        }
    }

    /// True when the record carries an error.
    pub fn is_error(&self) -> bool {
        self.error.is_some()
    }
}
