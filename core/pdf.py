"""PDF from HTML and CSS, with WeasyPrint (Pango underneath) and the Noto CJK fonts.

The fonts are subset and embedded, so Chinese text prints and extracts cleanly. Nothing is
fetched: the URL fetcher serves `data:` URIs only (styles are inline in the document). Where
WeasyPrint or its system libraries are missing, `PdfUnavailable` says what to
install (`make` and `.ci/run` install them: `apt-get install fonts-noto-cjk libpango-1.0-0
libpangoft2-1.0-0`).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import shutil
import subprocess
from pathlib import Path

INSTALL_HINT = (
    "apt-get install fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 and "
    "pip install -r requirements.txt (weasyprint)"
)


class PdfUnavailable(RuntimeError):
    """The PDF renderer cannot run on this machine; the message names what is missing."""


@functools.cache
def _weasyprint():
    try:
        import weasyprint  # heavy (Pango through cffi): loaded on the first PDF only
    except ImportError as exc:  # the package itself, or Pango (OSError inside is re-raised)
        raise PdfUnavailable(
            f"WeasyPrint cannot be imported ({exc}). Install: {INSTALL_HINT}."
        ) from exc
    except OSError as exc:  # cffi could not load libpango / libgobject
        raise PdfUnavailable(
            f"WeasyPrint needs the Pango libraries ({exc}). Install: {INSTALL_HINT}."
        ) from exc
    return weasyprint


@functools.cache
def cjk_font_installed() -> bool:
    """True when fontconfig knows a Noto CJK font (fonts-noto-cjk)."""
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(  # noqa: S603 - fixed arguments
                ["fc-list", ":lang=zh", "family"],  # noqa: S607
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        if "Noto" in out:
            return True
    return any(Path("/usr/share/fonts").glob("**/NotoSansCJK*"))


def missing() -> list[str]:
    """What the PDF renderer lacks here (empty: it can run)."""
    problems = []
    try:
        _weasyprint()
    except PdfUnavailable as exc:
        problems.append(str(exc))
    if not cjk_font_installed():
        problems.append(f"The Noto CJK fonts are not installed. Install: {INSTALL_HINT}.")
    return problems


def _fetcher():
    """Only data: URIs (the QR code, inline images): nothing from the network or the disk."""
    weasyprint = _weasyprint()
    return weasyprint.urls.URLFetcher(allowed_protocols=["data"], timeout=2)


LEAN_UA_CSS = Path(__file__).with_name("pdf_ua.css")


@functools.cache
def _lean_html_class():
    """weasyprint.HTML with the lean user-agent stylesheet (core/pdf_ua.css) in place of the
    HTML5 one. WeasyPrint has no public option for it: `_ua_stylesheets` is the hook its own
    HTML class uses; where a later version has none, the standard class is used (slower, the
    same PDF)."""
    weasyprint = _weasyprint()
    if not hasattr(weasyprint.HTML, "_ua_stylesheets"):
        return weasyprint.HTML
    sheet = weasyprint.CSS(string=LEAN_UA_CSS.read_text(encoding="utf-8"))

    class LeanHTML(weasyprint.HTML):
        def _ua_stylesheets(self, forms=False):
            return [sheet]

    return LeanHTML


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector paused while WeasyPrint builds its boxes: a certificate of 200
    records allocates some hundred thousand objects, and the collections they set off walked
    them all again and again (a fifth of the render). The collector runs again afterwards, as
    it would have."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def html_to_pdf(html: str, *, lean: bool = False) -> bytes:
    """The PDF of `html` (A4 unless its CSS says otherwise). Raises PdfUnavailable where the
    renderer or the Chinese fonts are missing.

    `lean`: for our own print templates, which use only what core/pdf_ua.css styles: the
    user-agent stylesheet cut to that (a certificate of 200 records renders a fifth faster)."""
    problems = missing()
    if problems:
        raise PdfUnavailable(" ".join(problems))
    html_class = _lean_html_class() if lean else _weasyprint().HTML
    with _collector_paused():
        document = html_class(string=html, url_fetcher=_fetcher())
        return document.write_pdf()
