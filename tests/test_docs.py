"""The README is part of the product: its commands exist, have help, and run."""

import re
import shlex

import pytest

from search.cli import main

from .conftest import ROOT, SEEDS

README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"^\$ search (.+)$", README, flags=re.M)


def test_every_command_has_help_and_is_in_the_readme():
    for name, command in main.commands.items():
        assert command.help and len(command.help) > 20, name
        assert f"search {name}" in README, name


def test_readme_shows_the_two_setup_commands():
    assert "make serve" in README and "make test" in README


@pytest.mark.parametrize("example", [e for e in EXAMPLES if not e.startswith("serve")])
def test_every_readme_example_runs(example, runner, seed_index, tmp_path):
    args = shlex.split(example)
    if args[0] == "index":
        args = ["index", str(SEEDS), "--index", str(tmp_path / "ix")]
    else:
        args += ["--index", seed_index]
    result = runner.invoke(main, args, catch_exceptions=False)
    follows = README.split(f"$ search {example}\n", 1)[1]
    expected_error = follows.startswith("Error:")
    assert result.exit_code == (1 if expected_error else 0), result.output
    if expected_error:
        assert follows.splitlines()[0] in result.output
