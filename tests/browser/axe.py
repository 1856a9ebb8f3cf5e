"""axe-core (vendored, see docs/dependencies.md) run inside the page at desktop and phone width.

The script is evaluated through the DevTools protocol (Playwright's `evaluate`), which the page's
Content-Security-Policy does not govern, so the strict CSP stays on while axe looks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, ViewportSize

AXE_VERSION = "4.14.1"
AXE_SOURCE = Path(__file__).parent / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
WIDTHS: dict[int, ViewportSize] = {1280: {"width": 1280, "height": 900}, 375: {"width": 375, "height": 812}}
# Every rule axe ships except the experimental ones: WCAG 2.0/2.1/2.2 A and AA, and best practice.
RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))}));
}"""
NODES_SHOWN = 4


@dataclass
class Axe:
    """Runs axe over page states and keeps a readable list of what it found."""

    checked: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def check(self, page: Page, state: str, *, widths: tuple[int, ...] = (1280, 375)) -> None:
        """Check the page as it is now at each width (then restore 1280 px)."""
        for width in widths:
            page.set_viewport_size(WIDTHS[width])
            self._run(page, f"{state} at {width}px")
        page.set_viewport_size(WIDTHS[1280])

    def _run(self, page: Page, where: str) -> None:
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
        found: list[dict[str, Any]] = page.evaluate(RUN)
        self.checked.append(where)
        for v in found:
            lines = [f"{where} ({page.url}): {v['id']} [{v['impact']}] {v['help']}"]
            for node in v["nodes"][:NODES_SHOWN]:
                summary = " ".join(node["summary"].split())
                lines.append(f"    {node['target']}: {summary[:300]}")
            if len(v["nodes"]) > NODES_SHOWN:
                lines.append(f"    … and {len(v['nodes']) - NODES_SHOWN} more")
            self.violations.append("\n".join(lines))

    def assert_clean(self) -> None:
        assert self.checked, "axe checked nothing"
        assert not self.violations, (f"axe found {len(self.violations)} violations in {len(self.checked)} "
                                     "page states:\n" + "\n".join(self.violations))
