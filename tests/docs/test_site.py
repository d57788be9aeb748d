"""The documentation site as a reader gets it: built with ``mkdocs build --strict``, served by
``http.server`` on 127.0.0.1, and read in headless Chromium that can reach nothing else.

Every page renders with its images and loads nothing from another host; every link and asset of
every page resolves (anchors included); every page is reachable from the home page; the
navigation goes where it says; search finds pages offline."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from tests.support.chromium import CHROMIUM, Browser

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    pytest.importorskip("mkdocs", reason="the docs tools (tests/requirements/docs.txt) are not installed")
    pytest.importorskip("material", reason="the docs tools (tests/requirements/docs.txt) are not installed")
    folder = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"),
         "--site-dir", str(folder)],
        capture_output=True, text=True, timeout=600, cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    return folder


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                "--directory", str(site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None and time.monotonic() < deadline, "http.server did not start"
            try:
                httpx.get(url, timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        process.kill()
        process.wait(10)


def pages(site: Path) -> list[str]:
    """Site-relative URLs of every page (``concepts/``), the 404 page left out."""
    found = []
    for html in sorted(site.rglob("*.html")):
        relative = html.relative_to(site).as_posix()
        if relative != "404.html":
            found.append(relative.removesuffix("index.html"))
    return found


class _Links(HTMLParser):
    """The ``href``/``src`` of a page, and its element ids."""

    ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src", "iframe": "src"}

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        url = values.get(self.ATTRIBUTES.get(tag, ""))
        if url and not url.startswith(("mailto:", "javascript:", "data:")):
            self.links.append((tag, url))


def _parse(text: str) -> _Links:
    parser = _Links()
    parser.feed(text)
    return parser


def test_every_link_and_asset_resolves_and_every_page_is_reachable(site, served):
    import httpx

    local = urlsplit(served).netloc
    problems: list[str] = []
    fetched: dict[str, _Links | None] = {}  # URL without fragment -> its parsed HTML (None: not HTML)

    def fetch(url: str) -> _Links | None:
        if url not in fetched:
            response = httpx.get(url, timeout=30)
            if response.status_code != 200:
                fetched[url] = None
                problems.append(f"{url}: HTTP {response.status_code}")
            else:
                is_html = response.headers.get("content-type", "").startswith("text/html")
                fetched[url] = _parse(response.text) if is_html else None
        return fetched[url]

    reachable, queue = {served}, [served]
    while queue:  # from the home page, following links, as a reader would
        page = queue.pop()
        parsed = fetch(page)
        for tag, link in parsed.links if parsed else []:
            target, fragment = urldefrag(urljoin(page, link))
            if urlsplit(target).netloc != local:
                if tag != "a":  # a stylesheet, script or image from elsewhere: breaks offline
                    problems.append(f"{page}: <{tag}> loads {link} from another host")
                continue
            document = fetch(target)
            if fragment and document is not None and fragment not in document.ids:
                problems.append(f"{page}: link {link}: no element with id {fragment!r}")
            if document is not None and target not in reachable:
                reachable.add(target)
                queue.append(target)
    assert not problems, "\n".join(sorted(set(problems)))
    unreachable = {served + p for p in pages(site)} - reachable
    assert not unreachable, f"pages no link leads to: {sorted(unreachable)}"


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.skip(
            "headless Chromium is not installed (Debian package 'chromium', tests/requirements/serving-apt.txt)"
        )
    with Browser(tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


RENDERED = """(() => ({
    title: (document.querySelector("article h1") || {}).textContent || "",
    nav: document.querySelectorAll("nav.md-nav--primary a.md-nav__link").length,
    images: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src),
    foreign: performance.getEntriesByType("resource").map(e => e.name)
        .filter(n => !n.startsWith(location.origin)),
    styled: getComputedStyle(document.querySelector(".md-header")).position,
}))()"""


def test_every_page_renders_offline_with_its_images(site, served, browser, tmp_path):
    for page in pages(site):
        browser.goto(served + page)
        state = browser.evaluate(RENDERED)
        assert state["title"].strip(), f"{page}: no heading rendered"
        assert state["nav"] >= 10, f"{page}: the navigation did not render"
        assert state["styled"] == "sticky", f"{page}: the theme's stylesheet did not apply"
        assert not state["images"], f"{page}: images did not load: {state['images']}"
        assert not state["foreign"], f"{page}: requested other hosts: {state['foreign']}"
    browser.goto(served + "concepts/")
    screenshot = browser.screenshot(tmp_path / "concepts.png")
    assert screenshot.stat().st_size > 20_000  # a rendered page, not a blank one


def test_navigation_links_go_to_their_pages(served, browser):
    browser.goto(served)
    targets = browser.evaluate(
        "[...document.querySelectorAll('nav.md-nav--primary a.md-nav__link[href]')]"
        ".map(a => [a.textContent.trim(), a.href]).filter(([t, h]) => t && !h.includes('#'))"
    )
    assert len(targets) >= 20, targets
    for title in ("Concepts", "HTTP API", "Writing a plugin"):
        href = dict(targets)[title]
        browser.goto(served)
        browser.evaluate(f"[...document.querySelectorAll('nav.md-nav--primary a.md-nav__link')]"
                         f".find(a => a.textContent.trim() === {title!r}).click()")  # fmt: skip
        browser.wait_for(f"location.href === {href!r} && document.readyState === 'complete'")
        assert browser.evaluate("document.querySelector('article h1').textContent").startswith(title.split()[0])


def test_search_finds_pages_offline(served, browser, tmp_path):
    browser.goto(served + "concepts/")
    browser.evaluate("document.querySelector('label[for=__search]').click()")
    browser.evaluate("document.querySelector('.md-search__input').focus()")
    browser.type_text("pickle consent")
    browser.wait_for("document.querySelectorAll('.md-search-result__item').length > 0")
    hits = browser.evaluate("[...document.querySelectorAll('.md-search-result__item a')].map(a => a.href)")
    assert any("/security/" in hit for hit in hits), hits
    browser.screenshot(tmp_path / "search.png")
