"""Screenshots of the reports for the README: `python docs/screenshots.py [--out docs]`.

Plans the example order book on the default bundle and runs a sweep of three example
scenarios (``config/scenarios/``) on it, then opens both report.html files in the
system's headless Chromium (selenium with chromedriver: the ``test`` extra) and saves
``report-plan.png`` and ``report-sweep.png`` (the top of each page, 1400 px wide,
each under 1 MB).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "report"))

SCENARIOS = (
    "channel-closure-dec2020.toml",
    "cleanroom-outage-leiden.toml",
    "swiss-customs-slowdown.toml",
)


def shoot(browser, page: Path, out: Path, height: int) -> None:
    """Save the top ``height`` px of ``page`` to ``out`` as an optimised PNG."""
    from PIL import Image

    browser.set_window_size(1400, height)
    browser.get(page.as_uri())
    time.sleep(3)  # let plotly draw every chart
    image = Image.open(io.BytesIO(browser.get_screenshot_as_png())).convert("RGB")
    image = image.quantize(colors=256)
    image.save(out, optimize=True)
    print(f"{out}: {out.stat().st_size / 1e3:.0f} kB")


def main() -> int:
    from chromium_driver import chromium

    import logistics as lg
    from logistics.report.extras import write_plan_extras, write_sweep_extras
    from logistics.scenarios import read_scenario
    from logistics.scenarios.sweep import run_sweep
    from logistics.solve import SolveParams

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument(
        "--sweep-dir", type=Path, help="keep the sweep here; one already there is reused"
    )
    args = parser.parse_args()
    net = lg.read_network()
    book = lg.read_orders(None, net)
    scenarios = [read_scenario(ROOT / "config" / "scenarios" / n, net) for n in SCENARIOS]
    params = SolveParams(
        workers=1, time_limit_s=args.time_limit, deterministic_time_s=args.time_limit, seed=0
    )
    with tempfile.TemporaryDirectory() as tmp:
        sweep_dir = args.sweep_dir or Path(tmp) / "sweep"
        if (sweep_dir / "comparison.csv").is_file():  # reuse it: rebuild the reports only
            write_plan_extras(sweep_dir / "plans" / "baseline", net)
            write_sweep_extras(sweep_dir)
        else:
            run_sweep(scenarios, net, book, params, samples=200, workers=2, out_dir=sweep_dir)
        with chromium() as browser:
            shoot(
                browser,
                sweep_dir / "plans" / "baseline" / "report.html",
                args.out / "report-plan.png",
                1500,
            )
            shoot(browser, sweep_dir / "report.html", args.out / "report-sweep.png", 1500)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
