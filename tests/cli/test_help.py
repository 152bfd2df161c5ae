"""Every command's --help says what each option defaults to."""

from __future__ import annotations

import tomllib
from pathlib import Path

import typer.main

from logistics.cli import app

ROOT = Path(__file__).resolve().parents[2]


def commands(group, prefix: str = "") -> dict:
    """Every command of ``group`` by its full name, sub-groups' commands included."""
    found = {}
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            found |= commands(command, f"{prefix}{name} ")
        else:
            found[prefix + name] = command
    return found


def options_without_default() -> list[str]:
    missing = []
    for name, command in commands(typer.main.get_command(app)).items():
        for param in command.params:
            if param.param_type_name != "option" or param.name == "help":
                continue
            if param.required or getattr(param, "is_flag", False):
                continue
            shown = param.show_default and param.default is not None
            if not shown and "(default:" not in (param.help or ""):
                missing.append(f"{name} {param.opts[0]}")
    return missing


def test_every_option_states_its_default():
    """An option that is not required shows its default, either typer's
    "[default: ...]" or a "(default: ...)" in its help when the default is not a
    constant (the embedded bundle, a value from solver.toml)."""
    assert options_without_default() == []


def test_plan_help_names_the_packaged_solver_defaults():
    """The defaults `plan --help` quotes from the packaged solver.toml are its values."""
    solver = tomllib.loads((ROOT / "config" / "solver.toml").read_text())["solver"]
    group = typer.main.get_command(app)
    helps = {p.opts[0]: p.help for p in group.commands["plan"].params}  # type: ignore[attr-defined]
    assert f"packaged: {solver['time_limit_s']:g})" in helps["--time-limit"]
    assert f"packaged: {solver['seed']})" in helps["--seed"]
    assert f"packaged: {solver['workers']})" in helps["--workers"]
