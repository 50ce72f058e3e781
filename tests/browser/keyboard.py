"""Driving a page by keyboard alone, checking on the way that focus can be seen.

``Keyboard(page)`` moves focus with Tab and Shift+Tab until a wanted element has it, and
checks every element that takes focus on the way: it must be on screen and show a focus
indicator (an outline or a box shadow, as computed by the browser) that stands out at least
3:1 against the background around it. What it found is kept in ``problems``; nothing here
clicks or fills.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

# What the browser shows of the focused element: enough to judge its focus indicator, an
# outline or a box shadow, and how it stands out against what is around it (the first
# background behind the element; the indicator is drawn around it).
_FOCUSED = (Path(__file__).parent / "focused.js").read_text()
# WCAG 2.1's least contrast for what identifies a component's state (1.4.11).
MIN_CONTRAST = 3.0

# Where ``target`` stands from the focused element: -1 before it, 1 after it, 0 it is.
_DIRECTION = """(target) => {
  const active = document.activeElement;
  if (target === active) return 0;
  if (!active || active === document.body) return 1;
  return active.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING ? 1 : -1;
}"""


@dataclass
class Keyboard:
    page: Any  # playwright.sync_api.Page
    max_steps: int = 400
    problems: list[str] = field(default_factory=list)
    stops: int = 0  # focus moves made, for the record

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def _check_focused(self) -> dict[str, Any] | None:
        focused = self.page.evaluate(_FOCUSED)
        if focused is None:
            return None
        where = f"<{focused['tag']}> {focused['label']!r} on {self.page.url}"
        if not focused["sized"]:
            self.problems.append(f"focused but not on screen: {where}")
        elif focused["contrast"] < MIN_CONTRAST:
            self.problems.append(
                f"focus indicator missing or faint ({focused['contrast']}:1): {where}"
            )
        return focused

    def focus(self, locator: Any) -> None:
        """Tab (or Shift+Tab, if it stands before the focused element) until ``locator``
        has focus, checking each element focused on the way."""
        target = locator.element_handle()
        for _ in range(self.max_steps):
            direction = self.page.evaluate(_DIRECTION, target)
            if direction == 0:
                return
            self.press("Tab" if direction > 0 else "Shift+Tab")
            self.stops += 1
            self._check_focused()
        raise AssertionError(f"{locator} not reached with {self.max_steps} presses of Tab")

    def activate(self, locator: Any, key: str = "Enter") -> None:
        """Focus ``locator`` by Tab and press ``key`` on it (Enter for links and buttons,
        Space for check boxes)."""
        self.focus(locator)
        self.press(key)

    def fill(self, locator: Any, text: str) -> None:
        """Focus a text field by Tab and type into it."""
        self.focus(locator)
        self.press("ControlOrMeta+a")
        self.type(text)

    def type_date(self, locator: Any, date: dt.date) -> None:
        """Focus a date field by Tab and type the date into its parts. The order of the
        parts follows the browser's language, so a first date typed tells which it is."""
        self.focus(locator)
        self.type("01022000")
        orders = {"2000-01-02": "%m%d%Y", "2000-02-01": "%d%m%Y"}
        probe = locator.input_value()
        assert probe in orders, f"a date field with its parts in an unknown order: {probe}"
        self.press("Shift+Tab")  # back through the field's parts to the first
        self.press("Shift+Tab")
        self.type(date.strftime(orders[probe]))
        assert locator.input_value() == date.isoformat()
