//! Hostile pages: each one is generated here, run through the `dehusk extract` binary, and
//! must end as exactly one record (a normal one, or an error of a sensible kind) within a
//! generous wall-clock limit and a peak-memory budget. The child's peak RSS comes from
//! `wait4`, which reports the resources of that one child (unlike `RUSAGE_CHILDREN`, which
//! would mix in the children of tests running in parallel), read by a small probe process
//! (see [`probe`]).
//!
//! The full-size runs that take minutes in a debug build are `#[ignore]`d; run them with
//! `cargo test --release --test hostile_pages -- --include-ignored`.
//!
//! Limits are far above what the pages need (the binary is a debug build on a shared,
//! noisy machine); they catch quadratic blow-ups and runaway memory, not regressions of a
//! few percent. Observed figures are in `docs/hostile-pages.md`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Peak resident memory allowed for one `dehusk extract` run on one hostile page.
const MEMORY_BUDGET_MIB: u64 = 1024;
/// Wall-clock limit for one run (a debug build, sharing two cores with other work).
const WALL_LIMIT: Duration = Duration::from_secs(180);

struct Run {
    records: Vec<Value>,
    wall: Duration,
    peak_rss_mib: u64,
    stderr: String,
}

impl Run {
    /// The one record, after checking there is exactly one and that the budgets held.
    fn record(&self) -> &Value {
        assert_eq!(
            self.records.len(),
            1,
            "expected one record; stderr: {}",
            self.stderr
        );
        &self.records[0]
    }

    fn kind(&self) -> Option<&str> {
        self.record()["error"]["kind"].as_str()
    }

    /// Asserts the record's error kind (`None`: no error), showing the error when it differs.
    fn assert_kind(&self, kind: Option<&str>) {
        assert_eq!(self.kind(), kind, "{:?}", self.record()["error"]);
    }

    fn text(&self) -> &str {
        self.record()["text"].as_str().unwrap_or("")
    }
}

/// Runs `dehusk extract -q ARGS... PAGE` through the probe (see [`probe`]), which reports
/// the child's own peak RSS and CPU time; fails past `WALL_LIMIT`.
fn extract(page: &Path, args: &[&str]) -> Run {
    let dir = page.parent().unwrap();
    let stem = page.file_name().unwrap().to_string_lossy().to_string();
    let out_path = dir.join(format!("{stem}.out"));
    let err_path = dir.join(format!("{stem}.err"));
    let report_path = dir.join(format!("{stem}.report"));
    // DEHUSK_BIN overrides the binary: worktrees sharing one target directory overwrite
    // each other's uplifted `target/debug/dehusk`.
    let bin = std::env::var_os("DEHUSK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_dehusk")));
    let mut argv = vec!["extract".to_string(), "-q".to_string()];
    argv.extend(args.iter().map(|a| a.to_string()));
    argv.push(page.to_string_lossy().to_string());
    let spec = serde_json::json!({
        "bin": bin,
        "args": argv,
        "stdout": out_path,
        "stderr": err_path,
        "report": report_path,
    });
    let status = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "probe", "--test-threads", "1", "--nocapture"])
        .env("HOSTILE_PROBE", spec.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .expect("cannot start the probe");
    assert!(status.success(), "{stem}: the probe failed");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    assert!(
        !report["killed"].as_bool().unwrap(),
        "{stem}: still running after {WALL_LIMIT:?}; stderr: {stderr}"
    );
    let code = report["exit_code"].as_i64();
    assert!(
        matches!(code, Some(0 | 1)),
        "{stem}: exit {code:?} (status {}); stderr: {stderr}",
        report["status"]
    );
    let out = std::fs::read_to_string(&out_path).unwrap();
    let _ = std::fs::remove_file(&out_path);
    let records: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("every output line is a JSON record"))
        .collect();
    drop(out);
    let wall = Duration::from_secs_f64(report["wall_secs"].as_f64().unwrap());
    let cpu = report["cpu_secs"].as_f64().unwrap();
    let peak_rss_mib = report["maxrss_kib"].as_u64().unwrap() / 1024;
    eprintln!(
        "{stem}: wall {:.2} s, cpu {cpu:.2} s, peak RSS {peak_rss_mib} MiB, kind {}",
        wall.as_secs_f64(),
        records
            .first()
            .map(|r| r["error"]["kind"].as_str().unwrap_or("ok"))
            .unwrap_or("none")
    );
    assert!(
        peak_rss_mib < MEMORY_BUDGET_MIB,
        "{stem}: peak RSS {peak_rss_mib} MiB over the {MEMORY_BUDGET_MIB} MiB budget"
    );
    Run {
        records,
        wall,
        peak_rss_mib,
        stderr,
    }
}

/// Not a test of its own: with `HOSTILE_PROBE` set, this test binary, re-run by
/// [`extract`], runs dehusk as its child and reports the child's resources.
///
/// Why the detour: Linux folds the spawning process's peak RSS into the child's `ru_maxrss`
/// when the child execs, so measured straight from the test process (which holds big
/// outputs) every child would look as large as the tests. This probe is a small, fresh
/// process, so the figure it reports is dehusk's own, plus a few MiB at most.
#[test]
fn probe() {
    let Some(spec) = std::env::var_os("HOSTILE_PROBE") else {
        return;
    };
    let spec: Value = serde_json::from_str(spec.to_str().unwrap()).unwrap();
    let path = |k: &str| PathBuf::from(spec[k].as_str().unwrap());
    let args: Vec<&str> = spec["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let start = Instant::now();
    let child = Command::new(path("bin"))
        .args(&args)
        .stdin(Stdio::null())
        .stdout(File::create(path("stdout")).unwrap())
        .stderr(File::create(path("stderr")).unwrap())
        .spawn()
        .expect("cannot start dehusk");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut killed = false;
    loop {
        // SAFETY: `pid` is our own unreaped child; `status` and `usage` are valid.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        assert_eq!(r, 0, "wait4: {}", std::io::Error::last_os_error());
        if start.elapsed() > WALL_LIMIT && !killed {
            // SAFETY: the child has not been reaped, so the pid is still ours.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // Reaped by wait4 above: `child` must not wait for it again.
    std::mem::forget(child);
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let report = serde_json::json!({
        "killed": killed,
        "status": status,
        "exit_code": libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        "wall_secs": start.elapsed().as_secs_f64(),
        "cpu_secs": secs(usage.ru_utime) + secs(usage.ru_stime),
        // KiB on Linux.
        "maxrss_kib": usage.ru_maxrss,
    });
    std::fs::write(path("report"), report.to_string()).unwrap();
}

/// Writes a page through a buffered writer, so that even 100 MB pages are cheap to make.
fn page(dir: &tempfile::TempDir, name: &str, fill: impl FnOnce(&mut dyn Write)) -> PathBuf {
    let path = dir.path().join(name);
    let mut w = BufWriter::new(File::create(&path).unwrap());
    fill(&mut w);
    w.flush().unwrap();
    path
}

const PROSE: &str = "The harbour council met on Tuesday evening to debate the seawall, and \
    residents filled the hall to hear the engineers explain why the costs had doubled.";

fn head(w: &mut dyn Write) {
    write!(
        w,
        "<!DOCTYPE html><html><head><title>Hostile</title></head><body>"
    )
    .unwrap();
}

#[test]
fn a_million_nested_elements_are_refused_as_too_deep() {
    let dir = tempfile::tempdir().unwrap();
    let p = page(&dir, "nested.html", |w| {
        head(w);
        for _ in 0..1_000_000 {
            w.write_all(b"<div>").unwrap();
        }
        w.write_all(b"deep").unwrap();
        for _ in 0..1_000_000 {
            w.write_all(b"</div>").unwrap();
        }
    });
    let run = extract(&p, &[]);
    run.assert_kind(Some("too_deep"));
}

fn siblings(dir: &tempfile::TempDir) -> PathBuf {
    page(dir, "siblings.html", |w| {
        head(w);
        w.write_all(b"<article><h1>Siblings</h1>").unwrap();
        for i in 0..500_000 {
            write!(w, "<p>w{i}</p>").unwrap();
        }
        w.write_all(b"</article></body></html>").unwrap();
    })
}

#[test]
fn half_a_million_siblings_trip_the_node_cap() {
    let dir = tempfile::tempdir().unwrap();
    let p = siblings(&dir);
    // A million nodes (each <p> and its text) against the default cap of 500,000; the time
    // cap is raised so that a slow debug build still reaches the node cap.
    let run = extract(&p, &["--page-timeout", "150s"]);
    run.assert_kind(Some("too_many_nodes"));
}

#[test]
#[ignore = "minutes in a debug build; run with --include-ignored"]
fn half_a_million_siblings_under_a_raised_node_cap_end_as_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let p = siblings(&dir);
    // With the cap raised the whole page goes through parsing and analysis: linear passes
    // finish well inside the limits; the per-page time cap (raised here too, for the debug
    // build) stays the guarantee that a slow pass cannot stall a worker forever.
    let run = extract(&p, &["--max-nodes", "2000000", "--page-timeout", "150s"]);
    let rec = run.record();
    match run.kind() {
        None => {
            assert!(run.text().contains("w499999"), "last sibling missing");
        }
        Some(k) => assert_eq!(k, "page_timeout", "{:?}", rec["error"]),
    }
}

fn text_node(dir: &tempfile::TempDir, mib: usize) -> PathBuf {
    page(dir, "textnode.html", |w| {
        head(w);
        w.write_all(b"<article><h1>One long paragraph</h1><p>")
            .unwrap();
        // 100 MiB of words in one text node, ending in a marker.
        let chunk = "lorem ipsum dolor sit amet consectetur ".repeat(1000);
        let mut written = 0;
        while written < mib << 20 {
            w.write_all(chunk.as_bytes()).unwrap();
            written += chunk.len();
        }
        w.write_all(b"THE-END</p></article></body></html>").unwrap();
    })
}

#[test]
fn a_hundred_megabyte_text_node_is_refused_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let p = text_node(&dir, 100);
    // The default 20 MB limit refuses it before anything is parsed.
    let run = extract(&p, &[]);
    run.assert_kind(Some("too_large"));
}

#[test]
#[ignore = "minutes in a debug build; run with --include-ignored"]
fn a_hundred_megabyte_text_node_under_raised_limits() {
    let dir = tempfile::tempdir().unwrap();
    let p = text_node(&dir, 100);
    // Raised limits: really parsed, flattened, analysed and written out.
    let run = extract(&p, &["--max-bytes", "200000000", "--page-timeout", "150s"]);
    run.assert_kind(None);
    let text = run.text();
    assert!(text.len() > 100 << 20, "text is {} bytes", text.len());
    assert!(text.trim_end().ends_with("THE-END"));
}

#[test]
fn fifty_thousand_attributes_on_one_element() {
    // html5ever checks each attribute against the earlier ones of its tag, so this one tag
    // took minutes to parse; attributes past the first 1,024 are now dropped before parsing.
    let dir = tempfile::tempdir().unwrap();
    let p = page(&dir, "attrs.html", |w| {
        head(w);
        w.write_all(b"<article><h1>Attributes</h1><p").unwrap();
        for i in 0..50_000 {
            write!(w, " data-a{i}=\"v{i}\"").unwrap();
        }
        write!(w, ">{PROSE}</p></article></body></html>").unwrap();
    });
    let run = extract(&p, &[]);
    run.assert_kind(None);
    assert!(run.text().contains("seawall"));
    assert!(run.wall < Duration::from_secs(60), "{:?}", run.wall);
}

fn table(dir: &tempfile::TempDir) -> PathBuf {
    page(dir, "table.html", |w| {
        head(w);
        w.write_all(b"<article><h1>A big table</h1><table>")
            .unwrap();
        for r in 0..10_000 {
            w.write_all(b"<tr>").unwrap();
            for c in 0..100 {
                write!(w, "<td>{r}.{c}</td>").unwrap();
            }
            w.write_all(b"</tr>").unwrap();
        }
        w.write_all(b"</table></article></body></html>").unwrap();
    })
}

#[test]
fn a_ten_thousand_by_hundred_table_trips_the_node_cap() {
    let dir = tempfile::tempdir().unwrap();
    let p = table(&dir);
    // A million cells, each with a text node: over the default 500,000 nodes.
    let run = extract(&p, &["--page-timeout", "150s"]);
    run.assert_kind(Some("too_many_nodes"));
}

#[test]
#[ignore = "minutes in a debug build; run with --include-ignored"]
fn a_ten_thousand_by_hundred_table_under_raised_limits() {
    let dir = tempfile::tempdir().unwrap();
    let p = table(&dir);
    let run = extract(&p, &["--max-nodes", "3000000", "--page-timeout", "150s"]);
    match run.kind() {
        None => assert!(run.text().contains("9999.99"), "last cell missing"),
        Some(k) => assert_eq!(k, "page_timeout", "{:?}", run.record()["error"]),
    }
}

#[test]
fn entity_floods() {
    entity_floods_of(100_000);
}

#[test]
#[ignore = "minutes in a debug build; run with --include-ignored"]
fn entity_floods_of_a_million() {
    entity_floods_of(1_000_000);
}

fn entity_floods_of(count: usize) {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &str); 5] = [
        ("named", "&amp;", "&"),
        ("numeric", "&#38;", "&"),
        ("hex", "&#x1F600;", "\u{1F600}"),
        // Without the semicolon, HTML still decodes the legacy named references.
        ("unterminated", "&amp", "&"),
        // Unknown names stay as written.
        ("unknown", "&bogus;", "&bogus;"),
    ];
    for (name, entity, decoded) in cases {
        let p = page(&dir, &format!("entities-{name}.html"), |w| {
            head(w);
            write!(w, "<article><h1>Entities</h1><p>{PROSE}</p><p>").unwrap();
            for _ in 0..count {
                w.write_all(entity.as_bytes()).unwrap();
                w.write_all(b" ").unwrap();
            }
            w.write_all(b"</p></article></body></html>").unwrap();
        });
        let run = extract(&p, &["--page-timeout", "150s"]);
        assert_eq!(run.kind(), None, "{name}: {:?}", run.record()["error"]);
        let text = run.text();
        let n = text.matches(decoded).count();
        assert!(n >= count, "{name}: {n} decoded entities");
    }
    // Numeric references to NUL, surrogates and out-of-range code points become U+FFFD.
    let p = page(&dir, "entities-invalid.html", |w| {
        head(w);
        write!(w, "<article><h1>Entities</h1><p>{PROSE}</p><p>").unwrap();
        for _ in 0..count / 4 {
            w.write_all(b"&#0; &#xD800; &#x110000; &#99999999999; ")
                .unwrap();
        }
        w.write_all(b"</p></article></body></html>").unwrap();
    });
    let run = extract(&p, &["--page-timeout", "150s"]);
    run.assert_kind(None);
    assert!(!run.text().contains('\0'));
    assert!(run.text().matches('\u{FFFD}').count() >= count / 4 * 4);
}

#[test]
fn nul_bytes() {
    let dir = tempfile::tempdir().unwrap();
    // A few NULs in text, attributes and tag names: a page, parsed, with no NUL in the record.
    let p = page(&dir, "nul-few.html", |w| {
        head(w);
        write!(
            w,
            "<article><h1>Nul\0s</h1><p class=\"a\0b\">{PROSE} with a nul\0here</p>\
             <p\0>{PROSE}</p><a\0 href=\"/x\0y\">link</a>"
        )
        .unwrap();
        // Ordinary text around them, as on a real page: a few NULs in kilobytes of markup.
        for _ in 0..40 {
            write!(w, "<p>{PROSE}</p>").unwrap();
        }
        w.write_all(b"</article></body></html>").unwrap();
    });
    let run = extract(&p, &[]);
    run.assert_kind(None);
    let raw = serde_json::to_string(run.record()).unwrap();
    assert!(!raw.contains("\\u0000"), "a NUL reached the record");
    assert!(run.text().contains("seawall"));
    // A page full of NULs reads as binary data: an error record, not a panic.
    let p = page(&dir, "nul-many.html", |w| {
        head(w);
        for _ in 0..100_000 {
            w.write_all(b"<p>\0\0\0\0</p>").unwrap();
        }
    });
    let run = extract(&p, &[]);
    run.assert_kind(Some("not_html"));
}

#[test]
fn a_bom_beats_a_contradicting_meta_charset() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "<html><head><meta charset=\"windows-1251\"><title>Т</title></head><body><article>\
         <h1>Заголовок</h1><p>Съешь же ещё этих мягких французских булок, да выпей чаю. {PROSE}</p>\
         </article></body></html>"
    );
    // UTF-8 BOM, then UTF-8 text that claims to be windows-1251.
    let p = page(&dir, "bom-utf8.html", |w| {
        w.write_all(b"\xEF\xBB\xBF").unwrap();
        w.write_all(body.as_bytes()).unwrap();
    });
    let run = extract(&p, &[]);
    let rec = run.record();
    assert_eq!(rec["charset"], "UTF-8");
    assert!(run.text().contains("французских булок"));
    // UTF-16LE BOM, text in UTF-16 that claims to be UTF-8.
    let p = page(&dir, "bom-utf16.html", |w| {
        w.write_all(b"\xFF\xFE").unwrap();
        for u in body.replace("windows-1251", "utf-8").encode_utf16() {
            w.write_all(&u.to_le_bytes()).unwrap();
        }
    });
    let run = extract(&p, &[]);
    assert_eq!(run.record()["charset"], "UTF-16LE");
    assert!(run.text().contains("французских булок"));
}

#[test]
fn conflicting_meta_charsets_first_wins() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Съешь же ещё этих мягких французских булок, да выпей чаю.";
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    let p = page(&dir, "two-metas.html", |w| {
        w.write_all(
            b"<html><head><meta charset=\"windows-1251\"><meta charset=\"iso-8859-7\">\
              <title>t</title></head><body><article><h1>h</h1><p>",
        )
        .unwrap();
        w.write_all(&cp1251).unwrap();
        write!(w, " {PROSE}</p></article></body></html>").unwrap();
    });
    let run = extract(&p, &[]);
    assert_eq!(run.record()["charset"], "windows-1251");
    assert!(run.text().contains(text));
}

#[test]
fn the_time_cap_ends_a_slow_page_as_a_record() {
    // Any page, a cap too small to parse it in: the record says so, quickly.
    let dir = tempfile::tempdir().unwrap();
    let p = text_node(&dir, 2);
    let run = extract(&p, &["--page-timeout", "1ms"]);
    run.assert_kind(Some("page_timeout"));
    let msg = run.record()["error"]["message"].as_str().unwrap();
    assert!(msg.contains("1ms"), "{msg}");
    assert!(run.wall < Duration::from_secs(60), "{:?}", run.wall);
    // And 0 turns the cap off.
    let run = extract(&p, &["--page-timeout", "0"]);
    run.assert_kind(None);
    assert!(run.peak_rss_mib > 0);
}

// ---- Links: `<base href>` tricks and script URLs (library level: no budgets at stake) ----

const PAGE_URL: &str = "https://example.com/news/story.html";

/// Disguises of script and data URLs that browsers still run or load.
const BAD_HREFS: &[&str] = &[
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java&#x09;script:alert(1)",
    "java&#x0A;script:alert(1)",
    "&#x01;javascript:alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "  VBScript:msgbox(1)",
];

/// Relative, so a fine link, but written as is it would end a Markdown link early and
/// start a `javascript:` one.
const MD_BREAKER: &str = "/a) [x](javascript:alert(1)";

/// An article whose paragraphs and related-links block carry `hrefs`.
fn link_page(head: &str, body_start: &str, hrefs: &[&str]) -> String {
    let mut s = format!(
        "<!DOCTYPE html><html><head><title>Links</title>{head}</head><body>{body_start}\
         <article><h1>The seawall vote</h1>"
    );
    for (i, h) in hrefs.iter().enumerate() {
        s.push_str(&format!(
            "<p>{PROSE} See <a href=\"{h}\">council paper {i}</a> for details.</p>"
        ));
    }
    s.push_str("</article><section class=\"related-articles\"><h2>Related Articles</h2><ul>");
    for (i, h) in hrefs.iter().enumerate() {
        s.push_str(&format!(
            "<li><a href=\"{h}\">Related story number {i} about the harbour</a></li>"
        ));
    }
    s.push_str("</ul></section><footer><p>© Tribune</p></footer></body></html>");
    s
}

fn extract_links(html: &str, url: Option<&str>) -> dehusk::Record {
    let rec = dehusk::Extractor::builder()
        .markdown(true)
        .html(true)
        .build()
        .extract(html, url);
    assert!(rec.error.is_none(), "{:?}", rec.error);
    rec
}

/// Every link target in the record's related links, Markdown and HTML.
fn targets(rec: &dehusk::Record) -> Vec<String> {
    let mut out: Vec<String> = rec.related.iter().map(|l| l.url.clone()).collect();
    let md = rec.markdown.as_deref().unwrap();
    let re = regex::Regex::new(r"\]\(([^)]*)\)").unwrap();
    out.extend(re.captures_iter(md).map(|c| c[1].to_string()));
    let doc = scraper::Html::parse_fragment(rec.html.as_deref().unwrap());
    let sel = scraper::Selector::parse("a[href], img[src]").unwrap();
    for el in doc.select(&sel) {
        let v = el.value();
        out.push(v.attr("href").or(v.attr("src")).unwrap().to_string());
    }
    out
}

/// Fails when any target is, or resolves to, anything but an http(s) (or relative) URL.
fn assert_only_web_links(rec: &dehusk::Record) {
    let base = url::Url::parse("https://base.invalid/").unwrap();
    for t in targets(rec) {
        let u = base.join(&t).unwrap_or_else(|e| panic!("{t:?}: {e}"));
        assert!(
            matches!(u.scheme(), "http" | "https"),
            "script or data link {t:?} in the record"
        );
    }
}

#[test]
fn script_and_data_links_never_reach_related_or_rendered_links() {
    let mut hrefs = BAD_HREFS.to_vec();
    hrefs.push("/news/a-good-one");
    hrefs.push(MD_BREAKER);
    let html = link_page("", "", &hrefs);
    for url in [Some(PAGE_URL), None] {
        let rec = extract_links(&html, url);
        assert_only_web_links(&rec);
        // The good link survives everywhere; the bad ones' text is kept as plain text.
        let good = match url {
            Some(_) => "https://example.com/news/a-good-one",
            None => "/news/a-good-one",
        };
        assert!(
            rec.related.iter().any(|l| l.url == good),
            "{:?}",
            rec.related
        );
        // None of the bad links (numbered first) made it to `related`.
        for i in 0..BAD_HREFS.len() {
            let title = format!("Related story number {i} about");
            assert!(
                !rec.related.iter().any(|l| l.title.starts_with(&title)),
                "{:?}",
                rec.related
            );
        }
        let md = rec.markdown.as_deref().unwrap();
        assert!(md.contains(&format!("]({good})")), "{md}");
        assert!(md.contains("council paper 0"), "{md}");
        assert!(rec.text.contains("council paper 0"));
        assert!(rec.html.as_deref().unwrap().contains("council paper 0"));
    }
}

/// The related link and the first Markdown link of a page whose one link is `href`.
fn resolved(head: &str, body_start: &str, href: &str, url: Option<&str>) -> (String, String) {
    let rec = extract_links(&link_page(head, body_start, &[href]), url);
    assert_only_web_links(&rec);
    let related = rec
        .related
        .first()
        .map(|l| l.url.clone())
        .unwrap_or_default();
    let md = rec.markdown.as_deref().unwrap();
    let re = regex::Regex::new(r"\]\(([^)]*)\)").unwrap();
    let first = re
        .captures(md)
        .map(|c| c[1].to_string())
        .unwrap_or_default();
    (related, first)
}

#[test]
fn base_href_tricks() {
    let both = |s: &str| (s.to_string(), s.to_string());
    // A script or data base is ignored: links resolve against the page URL.
    for base in ["javascript:alert(1)//", "data:text/html,x/", "vbscript:x/"] {
        let head = format!("<base href=\"{base}\">");
        assert_eq!(
            resolved(&head, "", "/news/next", Some(PAGE_URL)),
            both("https://example.com/news/next"),
            "base {base}"
        );
    }
    // A relative base resolves against the page URL.
    assert_eq!(
        resolved("<base href=\"/sub/dir/\">", "", "rel/page", Some(PAGE_URL)),
        both("https://example.com/sub/dir/rel/page")
    );
    // Several bases: the first one wins, as in browsers.
    assert_eq!(
        resolved(
            "<base href=\"https://first.example/a/\"><base href=\"https://second.example/\">",
            "",
            "x",
            Some(PAGE_URL)
        ),
        both("https://first.example/a/x")
    );
    // A base in the body still counts (the first in tree order), and may name another host.
    assert_eq!(
        resolved(
            "",
            "<base href=\"https://cdn.example/b/\">",
            "x",
            Some(PAGE_URL)
        ),
        both("https://cdn.example/b/x")
    );
    // No page URL: an absolute base applies; a relative one cannot, so links stay relative.
    assert_eq!(
        resolved("<base href=\"https://other.example/\">", "", "x/y", None),
        both("https://other.example/x/y")
    );
    assert_eq!(
        resolved("<base href=\"/sub/\">", "", "x/y", None),
        both("x/y")
    );
    // A script base without a page URL is ignored too, and script links stay out.
    assert_eq!(
        resolved("<base href=\"javascript:alert(1)//\">", "", "x/y", None),
        both("x/y")
    );
    let (related, md) = resolved(
        "<base href=\"https://ok.example/\">",
        "",
        "java&#x09;script:alert(1)",
        Some(PAGE_URL),
    );
    assert_eq!((related.as_str(), md.as_str()), ("", ""));
}
