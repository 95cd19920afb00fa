#!/usr/bin/env python3
"""Regenerates fuzz/seeds/ (run from the repo root). Seeds are small on purpose: libFuzzer
grows its own corpus from them; they only need to reach each parser's main paths."""
import base64, gzip, io, json, os, re, zlib

ROOT = os.path.join("fuzz", "seeds")

def put(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def trim(path, limit=6000):
    """A sample page cut to about `limit` bytes at a tag boundary: enough for every stage."""
    b = open(path, "rb").read()
    if len(b) <= limit:
        return b
    cut = b.rfind(b"<", 0, limit)
    return b[:cut]

ARTICLE = ("<html><head><title>A story</title><meta property='og:title' content='A story'>"
           "<meta name='author' content='Ann Writer'></head><body><nav><a href='/'>Home</a></nav>"
           "<article><h1>A story</h1><p class='byline'>By Ann Writer, May 6, 2024</p>"
           "<p>This is the first paragraph of a story, long enough to count as prose, with commas, too.</p>"
           "<h2>More</h2><ul><li>one <a href='/x'>link</a></li></ul><pre><code class='language-rust'>fn main() {}</code></pre>"
           "<blockquote>Quoted &amp; escaped &lt;text&gt;</blockquote><table><tr><th>a</th><td colspan=2>b</td></tr></table>"
           "<img src='/i.png' alt='pic'><p>A second paragraph follows it, and it also reads like real article text.</p>"
           "</article><section class='comments'><div class='comment'><span class='author'>Bob</span><p>Nice piece, thanks for writing it up.</p></div></section>"
           "<footer>© 2024 Example. All rights reserved.</footer></body></html>")

# --- extract: first byte is the target's flags (see fuzz_targets/extract.rs) ---
for name, flags in [("blog-comments", 0x01), ("forum-thread", 0x00), ("news-divsoup", 0x03),
                    ("jsonld-metadata", 0x01), ("tech-rich-content", 0x01),
                    ("ru-cp1251", 0x00), ("ja-shiftjis", 0x08 | 0x20), ("listing-index", 0x04)]:
    put("extract", name, bytes([flags]) + trim(os.path.join("samples", name + ".html")))
put("extract", "article", b"\x01" + ARTICLE.encode())
put("extract", "deep-divs", b"\x01" + b"<div>" * 6000 + b"deep text" + b"</div>" * 10)
put("extract", "deep-inline", b"\x01<p>" + b"<b><i>" * 3000 + b"text")
put("extract", "deep-lists", b"\x01" + b"<ul><li>" * 2000 + b"item")
put("extract", "deep-tables", b"\x01" + b"<table><tr><td>" * 800 + b"cell")
put("extract", "entities", b"\x01<p>&amp;&lt;&gt;&quot;&#39;&#x1F600;&#0;&#xD800;&#1114112;&nbsp&copy&notit;&NotANamedEntity; &#x110000; &#9999999999;</p>")
put("extract", "meta-charset", b"\x00<meta charset='windows-1251'><title>\xcf\xf0\xe8\xe2\xe5\xf2</title><p>\xcf\xf0\xe8\xe2\xe5\xf2 \xec\xe8\xf0</p>")
put("extract", "meta-http-equiv", b"\x00<meta http-equiv=\"Content-Type\" content=\"text/html; charset=shift_jis\"><p>\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd</p>")
put("extract", "bom-utf16le", b"\x01" + b"\xff\xfe" + "<p>UTF-16 text with a BOM, long enough to read.</p>".encode("utf-16-le"))
put("extract", "bom-utf8", b"\x01\xef\xbb\xbf<title>BOM</title><p>UTF-8 with a byte-order mark and some text.</p>")
put("extract", "binary-ish", b"\x00\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR<html>")
put("extract", "scripts-styles", b"\x01<script>document.write('<p>x</p>')</script><style>p{}</style><noscript><p>enable js</p></noscript><template><p>t</p></template><p>Real text here, enough to count as a paragraph, with commas.</p>")
put("extract", "svg-math", b"\x01<svg><foreignObject><p>in svg</p></foreignObject></svg><math><mi>x</mi></math><p>After the svg, a real paragraph of text.</p>")
put("extract", "jsonld-broken", b"\x01<script type='application/ld+json'>{\"@type\":\"NewsArticle\",\"headline\":\"H\",\"author\":[{\"name\":\"A\"},null,3],\"datePublished\":\"2024-13-45T99:99\"</script><p>text</p>")
put("extract", "dates", b"\x01<time datetime='0000-00-00'>x</time><meta property='article:published_time' content='99999-01-01T00:00:00+99:99'><p>Published on 31 February 2024 at 25:61, a paragraph.</p>")
put("extract", "frameset", b"\x01<frameset><frame src='a.html'></frameset><plaintext><p>plain")
put("extract", "empty", b"\x00")

# --- charset: label, NUL, body ---
for label, body in [
    (b"utf-8", b"<p>caf\xc3\xa9</p>"),
    (b"\"windows-1252\"", b"<p>caf\xe9</p>"),
    (b"  Shift_JIS ", b"\x82\xb1\x82\xf1"),
    (b"utf-16", b"<\x00p\x00>\x00"),
    (b"x-user-defined", b"\x80\xff"),
    (b"iso-2022-kr", b"\x1b$)C"),
    (b"", b"<meta charset=koi8-r><p>\xf0\xd2\xc9\xd7\xc5\xd4</p>"),
]:
    put("charset", "label-" + (re.sub(rb"[^a-z0-9]", b"", label.lower()).decode()[:20] or "empty"), label + b"\x00" + body)
put("charset", "meta-charset", b"<meta charset=\"gb18030\"><p>\xc4\xe3\xba\xc3</p>")
put("charset", "meta-http-equiv", b"<META HTTP-EQUIV='content-type' CONTENT='text/html;charset=euc-jp'><p>\xa4\xb3</p>")
put("charset", "meta-unquoted-late", b"<!-- " + b"x" * 4080 + b" --><meta charset=big5>")
put("charset", "bom-utf8", b"\xef\xbb\xbfhello")
put("charset", "bom-utf16be", b"\xfe\xff\x00<\x00p")
put("charset", "detect-cp1251", "Привет, мир! Это текст без объявленной кодировки.".encode("cp1251"))
put("charset", "invalid-utf8", b"<p>\xc3\x28 \xa0\xa1 \xe2\x82</p>")

# --- urls: a URL list, as `dehusk scrape` reads it ---
put("urls", "list", "\n".join([
    "# a comment", "", "  https://example.com/a  ", "http://EXAMPLE.com:80/a#frag",
    "https://example.com/a", "ftp://example.com/", "not a url", "https://[::1]:8443/x?y=1",
    "http://xn--bcher-kva.example/", "https://bücher.example/straße", "http:///nohost",
    "https://user:pw@host.example:65535/p/../q/./r?%zz#", "data:text/html,hi",
]) + "\n")
put("urls", "jsonl", "\n".join([
    json.dumps({"url": "https://example.org/b", "note": "x"}),
    json.dumps({"url": " https://example.org/b "}),
    json.dumps({"url": 7}), json.dumps({"nourl": True}), "{\"url\": \"https://e.x/\\u0000\"}",
    "{broken json", "[1,2]",
]) + "\n")
put("urls", "crlf", b"https://a.example/1\r\nhttps://a.example/2\r\n\r\n#x\r\n")

# --- jsonl: `extract --stdin-jsonl` lines ---
b64 = base64.b64encode("<meta charset=windows-1251><p>Привет</p>".encode("cp1251")).decode()
put("jsonl", "lines", "\n".join([
    json.dumps({"url": "https://example.com/a", "html": ARTICLE}),
    json.dumps({"html": "<p>no url, a short page</p>"}),
    json.dumps({"url": "https://example.com/b", "html_base64": b64}),
    json.dumps({"url": "https://example.com/c", "html": "x", "html_base64": "eA=="}),
    json.dumps({"url": "https://example.com/d"}),
    json.dumps({"html_base64": "not base64!"}),
    "   ", "{\"html\": \"\\ud800\"}", "not json at all", "null", "[]",
    json.dumps({"url": None, "html": "<p>" + "long " * 900 + "</p>"}),
]) + "\n")
put("jsonl", "crlf-escapes", b'{"html":"<p>a\\u0000b\\n\\t\\"c\\"</p>","url":"https://e.x/"}\r\n{"html":"<p>\xff\xfe</p>"}')

# --- warc: plain and gzipped archives ---
def record(warc_type, uri, content_type, block):
    head = (f"WARC/1.0\r\nWARC-Type: {warc_type}\r\nWARC-Target-URI: <{uri}>\r\n"
            f"WARC-Date: 2024-05-06T07:08:09Z\r\nWARC-Record-ID: <urn:uuid:12345678-1234-4234-8234-123456789abc>\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"

def response(uri, head, body, status="200 OK"):
    return record("response", uri, "application/http; msgtype=response",
                  f"HTTP/1.1 {status}\r\n{head}\r\n".encode() + body)

def chunked(body, size=40):
    out = b""
    for i in range(0, len(body), size):
        c = body[i:i + size]
        out += f"{len(c):x};ext=1\r\n".encode() + c + b"\r\n"
    return out + b"0\r\nTrailer: x\r\n\r\n"

page = b"<html><title>T</title><p>A short archived page with a paragraph of text in it.</p></html>"
recs = [
    record("warcinfo", "", "application/warc-fields", b"software: fuzz-seed\r\n"),
    record("request", "http://a.test/one", "application/http; msgtype=request", b"GET /one HTTP/1.1\r\nHost: a.test\r\n\r\n"),
    response("http://a.test/one", "Content-Type: text/html; charset=utf-8\r\n", page),
    response("http://a.test/chunked", "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n", chunked(page)),
    response("http://a.test/gz", "Content-Type: text/html\r\nContent-Encoding: gzip\r\n", gzip.compress(page)),
    response("http://a.test/deflate", "Content-Type: text/html\r\nContent-Encoding: deflate\r\nX-Folded: a\r\n  b\r\n", zlib.compress(page)),
    response("http://a.test/img.png", "Content-Type: image/png\r\n", b"\x89PNG"),
    response("http://a.test/404", "Content-Type: text/html\r\n", page, "404 Not Found"),
    response("http://a.test/big", "Content-Type: text/html\r\n", b"<p>" + b"x" * 17000 + b"</p>"),
    record("metadata", "http://a.test/one", "application/warc-fields", b"via: x\r\n"),
]
put("warc", "archive.warc", b"".join(recs))
put("warc", "archive.warc.gz", b"".join(gzip.compress(r) for r in recs[:8]))
put("warc", "truncated.warc", b"".join(recs[:3])[:-40])
put("warc", "bad-length.warc", b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: -1\r\n\r\n")
put("warc", "bad-chunk.warc", response("http://a.test/c", "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n", b"zz\r\nabc\r\n"))
