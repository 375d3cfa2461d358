"""Check that a built site reads offline.

Usage::

    python docs/check_offline.py docs/_build/html

Fails (exit status 1) when a page loads a script, stylesheet, image or
frame from http(s) or ``//host``, or when the pages with math do not load
MathJax from the site's own ``_static/mathjax``.  Plain links (``<a href>``)
to other sites are fine: they load nothing.
"""

import sys
from html.parser import HTMLParser
from pathlib import Path

# <link rel=...> values that name a related page rather than load a resource.
_NAVIGATION_RELS = {
    "alternate",
    "author",
    "canonical",
    "help",
    "index",
    "license",
    "next",
    "prev",
    "search",
    "copyright",
}
_SOURCES = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "link": "href",
}
MATHJAX = "_static/mathjax/tex-chtml.js"


def _is_remote(url):
    return url.strip().lower().startswith(("http://", "https://", "//"))


class _Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in _SOURCES or not attrs.get(_SOURCES[tag]):
            return
        rels = set((attrs.get("rel") or "").lower().split())
        if tag == "link" and rels and rels <= _NAVIGATION_RELS:
            return
        self.urls.append((tag, attrs[_SOURCES[tag]]))


def page_resources(path):
    """The ``(tag, url)`` of every resource a page loads."""
    parser = _Resources()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    return parser.urls


def check_site(html_dir):
    """A list of problems, empty when the site reads offline."""
    html_dir = Path(html_dir)
    pages = [
        p
        for p in html_dir.rglob("*.html")
        if "_static" not in p.relative_to(html_dir).parts
    ]
    if not pages:
        return [f"no HTML pages under {html_dir}"]
    problems, math_pages = [], 0
    for page in pages:
        for tag, url in page_resources(page):
            if _is_remote(url):
                problems.append(f"{page.relative_to(html_dir)}: <{tag}> loads {url}")
            elif "mathjax" in url.lower():
                math_pages += 1
                if not url.split("?")[0].endswith(MATHJAX.split("/", 1)[1]):
                    problems.append(f"{page.relative_to(html_dir)}: MathJax from {url}")
    if math_pages == 0:
        problems.append("no page loads MathJax: the math pages did not build")
    if not (html_dir / MATHJAX).is_file():
        problems.append(f"{MATHJAX} is missing from the site")
    return problems


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    problems = check_site(argv[0])
    for problem in problems:
        print(f"check_offline: {problem}", file=sys.stderr)
    if not problems:
        print(f"check_offline: {argv[0]} loads nothing remote; MathJax is local")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
