"""`logistics validate` warns about treatment centres that reach no licensed plant."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from logistics.cli import app

from .bundles import channel_bundle


def test_validate_names_centre_without_route(tmp_path: Path) -> None:
    """The Reykjavik centre (in the therapy's markets, no lane) is named in a warning
    with the therapy; the bundle stays valid (exit 0); London and Paris are not named."""
    result = CliRunner().invoke(app, ["validate", str(channel_bundle(tmp_path, island=True))])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert "TC-IS-RVK" in warnings[0] and "cart-auto" in warnings[0]
    assert "inbound" in warnings[0] and "outbound" in warnings[0]
    plain = CliRunner().invoke(app, ["validate", str(channel_bundle(tmp_path / "plain"))])
    assert plain.exit_code == 0 and "warning:" not in plain.output
