"""The patient handout as PDF, drawn by WeasyPrint from the same HTML (the optional extra `pdf`).

WeasyPrint is imported here and nowhere else, so titrate runs without it. The PDF is byte-reproducible:
its dates come from the plan's `generated_at` (the handout's dcterms meta), and nothing is fetched (the
page is self-contained, and the URL fetcher refuses every protocol and stops the render if asked).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from titrate.core.model import Plan
from titrate.errors import InputError
from titrate.formats.html import render_html

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]  # WeasyPrint ships no type hints

__all__ = ["PAPER_SIZES", "no_fetching", "render_pdf"]

#: CSS page sizes; the handout's layout fits both, so only the page box changes.
PAPER_SIZES = {"a4": "A4", "letter": "letter"}


def render_pdf(plan: Plan, *, paper: str = "a4") -> bytes:
    """The handout as PDF bytes on `paper` ("a4" or "letter"); InputError when WeasyPrint cannot start (and
    ImportError where it is not installed: the format registry checks that before calling)."""
    if paper not in PAPER_SIZES:
        raise InputError(f"paper must be one of {', '.join(PAPER_SIZES)} (got {paper!r})", field="paper",
                         value=paper)
    try:  # where WeasyPrint is not installed, titrate.formats.render says how to install it
        import weasyprint  # type: ignore[import-untyped]  # WeasyPrint ships no type hints
    except OSError as error:  # WeasyPrint is installed but cannot load Pango or its other system libraries
        raise InputError(f"WeasyPrint cannot start ({error}); install its system libraries (Pango): see "
                         "https://doc.courtbouillon.org/weasyprint/stable/first_steps.html",
                         field="format", value="pdf") from None
    fetcher = no_fetching()
    page = weasyprint.CSS(string=f"@page {{ size: {PAPER_SIZES[paper]}; }}", url_fetcher=fetcher)
    document = weasyprint.HTML(string=render_html(plan), url_fetcher=fetcher, base_url=None)
    # The file identifier is a hash of the content, so it is reproducible too.
    pdf: bytes = document.write_pdf(stylesheets=[page], pdf_identifier=True)
    return pdf


def no_fetching() -> URLFetcher:
    """A WeasyPrint URL fetcher that allows no protocol and stops the render at the first attempt: the
    handout is self-contained, so any fetch is a bug, never a reason to reach the network or the disk."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=(), fail_on_errors=True)
