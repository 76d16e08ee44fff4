"""Optional extras are imported only where they are used: WeasyPrint in render/pdf.py alone, and no FHIR
library anywhere in titrate (the export is plain dicts; fhir.resources is for the tests)."""

from __future__ import annotations

from pathlib import Path

from test_layering import imports_of

PACKAGE = Path(__file__).resolve().parents[2] / "titrate"


def test_only_the_pdf_renderer_imports_weasyprint_and_nothing_imports_a_fhir_library():
    for path in sorted(PACKAGE.rglob("*.py")):
        imported = {name.split(".")[0] for name in imports_of(path)}
        assert "fhir" not in imported, path
        assert ("weasyprint" in imported) == (path == PACKAGE / "formats" / "pdf.py"), path
