"""The progress report printed (to PDF, as Chromium prints it): no page but the last is left
mostly blank. Pages are rasterised with poppler's pdftoppm and read as greyscale."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OpenPage

pytestmark = pytest.mark.browser

INKED_DOWN_TO = 0.6  # every page but the last carries content at least this far down
WHITE = 245


def lowest_ink(pgm: Path) -> float:
    """How far down the page (0..1) its last non-white pixel row lies."""
    data = pgm.read_bytes()
    fields: list[bytes] = []
    offset = 0
    while len(fields) < 4:  # P5 width height maxval, then the raw pixels
        end = data.index(b"\n", offset)
        line = data[offset:end]
        offset = end + 1
        if not line.startswith(b"#"):
            fields += line.split()
    width, height = int(fields[1]), int(fields[2])
    pixels = data[offset:]
    for row in range(height - 1, -1, -1):
        if min(pixels[row * width:(row + 1) * width]) < WHITE:
            return (row + 1) / height
    return 0.0


def test_the_printed_report_leaves_no_page_mostly_blank(open_page: OpenPage, tmp_path: Path) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.fail("the print test needs poppler's pdftoppm (apt-get install poppler-utils); "
                    "deselect it with -m 'not browser'")
    page = open_page("ceo")
    page.goto("/report/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.emulate_media(media="print")
    page.pdf(path=tmp_path / "report.pdf", format="A4", print_background=True)
    subprocess.run([pdftoppm, "-gray", "-r", "30", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
                   check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.pgm"))
    assert len(pages) >= 3, f"only {len(pages)} pages printed"
    reach = [round(lowest_ink(p), 2) for p in pages]
    blank = [n for n, r in enumerate(reach[:-1], start=1) if r < INKED_DOWN_TO]
    assert blank == [], f"pages {blank} of {len(pages)} are mostly blank; ink reaches down {reach}"
