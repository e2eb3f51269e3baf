"""The built book as a reader's browser shows it: headless Chromium, with the network off.

Every page of ``book/_build/html`` is served from 127.0.0.1 and opened in Chromium whose proxy
for everything else leads nowhere, so that any request that would need the internet fails. A
small script, injected into each page as it is served, records what the reader would see once
MathJax has run: leftover TeX delimiters, absolute paths of the build machine, broken images,
failed requests, pandas index columns and anything wider than the text column.

The book is the one ``make book`` built when it is newer than the chapter sources and book
pages; otherwise the smoke book is built first, as ``make book`` does (minutes).
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ganseg_lib import book

HTML = book.ROOT / "book" / "_build" / "html"
CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it",
    ),
]

# Runs in the page before anything else loads; writes its findings into <pre id=ganseg-probe>,
# which `--dump-dom` returns.
PROBE = r"""<script>
(function () {
  var failed = [];
  window.addEventListener("error", function (e) {
    var t = e.target;
    if (t && t !== window && (t.src || t.href)) failed.push(t.src || t.href);
  }, true);
  function visibleText(root, dropCode) {
    var c = root.cloneNode(true);
    var drop = "script,style,mjx-container,mjx-assistive-mml,.MathJax";
    if (dropCode) drop += ",pre,code";
    c.querySelectorAll(drop).forEach(function (n) { n.remove(); });
    return c.textContent;
  }
  function report() {
    var article = document.querySelector("article.bd-article") || document.querySelector("main");
    var limit = article.getBoundingClientRect().right;
    var wide = [];
    article.querySelectorAll("*").forEach(function (n) {
      var r = n.getBoundingClientRect();
      if (r.width === 0 || r.right <= limit + 1) return;
      for (var p = n.parentElement; p && p !== article; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== "visible") return;  // it scrolls inside p
      }
      wide.push(n.tagName.toLowerCase() + "." + n.className + ": " +
                (n.textContent || "").trim().slice(0, 60));
    });
    var indexed = [];
    document.querySelectorAll("article table").forEach(function (t) {
      if (t.querySelector("tbody tr > th")) {
        indexed.push((t.textContent || "").trim().replace(/\s+/g, " ").slice(0, 80));
      }
    });
    var broken = [];
    document.querySelectorAll("img").forEach(function (i) {
      if (!i.complete || i.naturalWidth === 0) broken.push(i.getAttribute("src"));
    });
    var remote = performance.getEntriesByType("resource").map(function (e) { return e.name; })
      .filter(function (u) { return u.indexOf(location.origin) !== 0 && !u.startsWith("data:"); });
    var out = document.createElement("pre");
    out.id = "ganseg-probe";
    out.textContent = JSON.stringify({
      text: visibleText(article, true),
      allText: visibleText(document.body, false),
      math: document.querySelectorAll("mjx-container").length,
      wide: wide, overflow: article.scrollWidth - article.clientWidth,
      indexed: indexed, broken: broken, failed: failed, remote: remote
    });
    document.body.appendChild(out);
  }
  window.addEventListener("load", function () {
    var ready = window.MathJax && MathJax.startup && MathJax.startup.promise;
    (ready || Promise.resolve()).then(function () { setTimeout(report, 500); });
  });
})();
</script>"""


def _sources_mtime() -> float:
    files = [*book.chapter_sources(), *(book.ROOT / "book").glob("*.md")]
    files += [book.ROOT / "_config.yml", book.ROOT / "_toc.yml"]
    return max(f.stat().st_mtime for f in files)


@pytest.fixture(scope="session")
def html_root() -> Path:
    index = HTML / "index.html"
    if not index.is_file() or index.stat().st_mtime < _sources_mtime():
        cmd = [sys.executable, "-m", "ganseg_lib.cli", "book", "--profile", "smoke"]
        env = os.environ | {"TQDM_DISABLE": "1"}
        subprocess.run(cmd, check=True, cwd=book.ROOT, env=env, timeout=2400)
    return HTML


REDIRECT = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.I)


def redirect_target(page: Path) -> str | None:
    """The page a redirect stub (``index.html`` of the book) sends the browser to, else None."""
    text = page.read_text(encoding="utf-8")
    match = REDIRECT.search(text)
    return match[1] if match and "<body" not in text else None


def pages(root: Path) -> list[str]:
    """Every page of the book, without the search and index pages and without redirect stubs
    (opening a stub races the browser's redirect against ``--dump-dom``; its target is a page)."""
    skip = {"genindex.html", "search.html"}
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*.html")
        if p.name not in skip
        and not any(part.startswith("_") for part in p.parts[len(root.parts) :])
        and redirect_target(p) is None
    )


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the book, injecting the probe into each page and noting every failed request."""

    errors: list[str]

    def log_message(self, *args):  # quiet
        pass

    def send_error(self, code, message=None, explain=None):
        if self.path != "/favicon.ico":  # asked for by the browser, not by the page
            self.errors.append(f"{code} {self.path}")
        super().send_error(code, message, explain)

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.suffix != ".html" or not path.is_file():
            return super().do_GET()
        body = path.read_text(encoding="utf-8").replace("<head>", "<head>" + PROBE, 1).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _open(url: str) -> dict:
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--proxy-server=127.0.0.1:9",  # nothing listens there: the internet is unreachable
        "--window-size=1280,2000",
        "--virtual-time-budget=15000",
        "--dump-dom",
        url,
    ]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    match = re.search(r'<pre id="ganseg-probe">(.*?)</pre>', dom, re.S)
    assert match, f"{url}: the page never finished loading (no probe output)"
    return json.loads(html.unescape(match.group(1)))


@pytest.fixture(scope="session")
def seen(html_root) -> dict[str, dict]:
    """What Chromium shows of every page, keyed by the page's path in the book."""
    errors: list[str] = []
    handler = functools.partial(
        type("Handler", (_Handler,), {"errors": errors}), directory=str(html_root)
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        result = {}
        for page in pages(html_root):
            before = len(errors)
            result[page] = _open(base + page)
            result[page]["server_errors"] = errors[before:]
    finally:
        server.shutdown()
    return result


def _failures(seen: dict[str, dict], check) -> list[str]:
    return [f"{page}: {problem}" for page, probe in seen.items() for problem in check(probe)]


def test_every_chapter_is_served(html_root, seen):
    front = redirect_target(html_root / "index.html")
    assert ("index.html" if front is None else front) in seen, "the front page is not served"
    assert any(p.endswith("05_results.html") for p in seen)
    assert any(p.endswith("06_report.html") for p in seen)


def test_math_is_rendered(seen):
    raw = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$")
    bad = _failures(seen, lambda p: [f"raw TeX {m!r}" for m in raw.findall(p["text"])][:3])
    assert not bad, "\n".join(bad)
    assert sum(p["math"] for p in seen.values()) > 0, "MathJax rendered no formula anywhere"


def test_no_absolute_path_of_the_build_machine(seen):
    paths = re.compile(rf"{re.escape(str(book.ROOT))}|/work/|/home/|/root/|/tmp/|/Users/")

    def check(p):
        return [f"absolute path in {m.group()!r}…" for m in paths.finditer(p["allText"])][:3]

    bad = _failures(seen, check)
    assert not bad, "\n".join(bad)


def test_no_broken_image(seen):
    bad = _failures(seen, lambda p: [f"broken image {src}" for src in p["broken"]])
    assert not bad, "\n".join(bad)


def test_no_request_needs_the_network(seen):
    def check(p):
        return (
            [f"request to {u}" for u in p["remote"]]
            + [f"failed to load {u}" for u in p["failed"]]
            + [f"server: {e}" for e in p["server_errors"]]
        )

    bad = _failures(seen, check)
    assert not bad, "\n".join(bad)


def test_no_pandas_index_column(seen):
    bad = _failures(seen, lambda p: [f"table with an index column: {t}" for t in p["indexed"]])
    assert not bad, "\n".join(bad)


def test_nothing_is_wider_than_the_text_column(seen):
    def check(p):
        problems = [f"wider than the text column: {w}" for w in p["wide"][:3]]
        if p["overflow"] > 1 and not problems:
            problems.append(f"the text column scrolls by {p['overflow']} px")
        return problems

    bad = _failures(seen, check)
    assert not bad, "\n".join(bad)
