"""Headless Chromium for the report tests (selenium with the system's chromedriver;
never downloads a browser)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
)


def chromium_path() -> str | None:
    """The Chromium binary: $LOGISTICS_CHROMIUM, else one on the PATH."""
    env = os.environ.get("LOGISTICS_CHROMIUM")
    if env:
        return env
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def chromedriver_path() -> str | None:
    """chromedriver: $LOGISTICS_CHROMEDRIVER, else one on the PATH or beside Chromium."""
    env = os.environ.get("LOGISTICS_CHROMEDRIVER")
    if env:
        return env
    found = shutil.which("chromedriver")
    if found:
        return found
    return "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium webdriver with a fresh profile, logging the console."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver = chromium_path(), chromedriver_path()
    if binary is None or driver is None:
        raise RuntimeError("Chromium or chromedriver not found")
    profile = tempfile.mkdtemp(prefix="logistics-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


WAIT_S = 20.0
DRAWN = """
return Array.from(document.querySelectorAll('div.chart')).map(d => [d.id,
  d.querySelectorAll('.main-svg').length,
  d.querySelectorAll('.scatterlayer path.point, .barlayer .point path, '
                     + '.scatterlayer path.js-line').length]);
"""


def open_drawn(browser, path: Path) -> list[list]:
    """Load ``path``, wait until every chart is drawn, return per chart (id, plotly
    SVG layers, marks drawn)."""
    browser.get_log("browser")  # drop what an earlier page logged
    browser.set_window_size(1400, 1000)
    browser.get(path.as_uri())
    deadline = time.monotonic() + WAIT_S
    while True:
        charts = browser.execute_script(DRAWN)
        if (charts and all(svg > 0 for _, svg, _ in charts)) or time.monotonic() > deadline:
            return charts
        time.sleep(0.2)
