"""The PDF handout: its text read back with pypdf has every dose day, it is the same bytes every time,
it is dated from the plan, it prints on A4 and US Letter, and WeasyPrint is never let fetch anything."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pypdf
import pytest
from test_golden import GENERATED, PLANS

from titrate.core.record import replace
from titrate.errors import InputError
from titrate.formats import render
from titrate.formats.pdf import render_pdf

POINTS = {"a4": (595, 842), "letter": (612, 792)}


def read(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in read(pdf).pages]


@pytest.fixture(scope="module")
def london() -> bytes:
    return render(PLANS["classic-london"], "pdf")


def test_every_dose_day_is_in_the_text_on_one_page(london):
    plan = PLANS["classic-london"]
    pages = page_texts(london)
    pages = pages[next(n for n, page in enumerate(pages) if "Day-by-day checklist" in page):]
    for day in plan.days:
        row = f"{day.date:%a} {day.date.day} {day.date:%b %Y} {day.day} {day.dose_mg.normalize():f} mg {day.amount}"
        assert sum(row in page for page in pages) == 1, row  # a row split across two pages would be on none


def test_the_pages_are_numbered(london):
    pages = page_texts(london)
    assert [page.endswith(f"Page {n} of {len(pages)}") for n, page in enumerate(pages, start=1)] == [True] * len(
        pages)


def test_the_same_plan_gives_the_same_bytes(london):
    assert render(PLANS["classic-london"], "pdf") == london


def test_the_dates_inside_come_from_the_plan(london):
    metadata = read(london).metadata
    assert metadata.creation_date == metadata.modification_date == GENERATED
    later = replace(PLANS["classic-london"], generated_at=datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert read(render(later, "pdf")).metadata.creation_date == later.generated_at
    assert metadata.title == "Your LDN plan: Jane Doe"


@pytest.mark.parametrize("paper", POINTS)
def test_a4_and_letter_pages_have_their_size_and_every_dose(paper):
    plan = PLANS["berlin-morning-overrides"]
    pdf = render_pdf(plan, paper=paper)
    sizes = {(round(float(page.mediabox.width)), round(float(page.mediabox.height))) for page in read(pdf).pages}
    assert sizes == {POINTS[paper]}
    text = " ".join(page_texts(pdf))
    assert all(f"{day.date:%a} {day.date.day} {day.date:%b %Y} {day.day} {day.dose_mg.normalize():f} mg" in text
               for day in plan.days)


def test_an_unknown_paper_is_bad_input():
    with pytest.raises(InputError, match="paper must be one of a4, letter"):
        render_pdf(PLANS["classic-london"], paper="legal")


def test_the_hostile_label_is_printed_as_text():
    text = " ".join(page_texts(render(PLANS["nuuk-hostile"], "pdf")))
    assert "For: =HYPERLINK(\"http://x\") | *Ann* <b>O'Neil</b>, \"Jr\" line two" in text


def test_the_pdf_links_and_embeds_nothing(london):
    assert not re.search(rb"/URI|/Launch|/JavaScript|/EmbeddedFile|/GoToR", london)


def test_weasyprint_is_allowed_no_protocol():
    from weasyprint.urls import FatalURLFetchingError, fetch

    from titrate.formats.pdf import no_fetching

    fetcher = no_fetching()
    for url in ("file:///etc/hostname", "data:text/plain,hello", "https://example.org/logo.png"):
        with pytest.raises(FatalURLFetchingError):
            with fetch(fetcher, url):
                pass
