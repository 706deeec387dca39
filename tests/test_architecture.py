"""The package's shape is checked, not hoped for: layers, cycles, module size, the map."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pypolicy"
MAX_MODULE_LINES = 500


def test_import_contracts_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Layers (cli; annotate | validate | query | render; format; core) and no cycles."""
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_a_wrong_arrow_breaks_the_contract(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The contract is live: a format module importing a rule would fail the run."""
    fake = tmp_path / "pkg"
    for name in ("cli", "annotation", "validation", "sparql", "rendering", "format", "core"):
        (fake / name).mkdir(parents=True)
        (fake / name / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    (fake / "format" / "model.py").write_text("import pkg.validation\n")
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = config[config.index("[tool.importlinter]"):]
    section = section.replace("pypolicy", "pkg")
    (tmp_path / "pyproject.toml").write_text(section, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert lint_imports(config_filename=str(tmp_path / "pyproject.toml"),
                        no_cache=True) == 1


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("module", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_too_long_to_hold_in_ones_head(module: Path) -> None:
    lines = module.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, f"{module.relative_to(ROOT)} has {lines} lines"


@pytest.mark.parametrize("module", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_says_what_it_is_for(module: Path) -> None:
    text = module.read_text(encoding="utf-8").lstrip()
    assert text.startswith(('"""', "'''", 'r"""')), f"{module.relative_to(ROOT)}: no docstring"


def test_the_architecture_page_names_every_package() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    packages = sorted(p.parent.relative_to(ROOT).as_posix()
                      for p in PACKAGE.rglob("__init__.py"))
    missing = [p for p in packages if f"`{p}/`" not in page]
    assert missing == [], f"docs/architecture.md does not place {missing}"
    named = set(re.findall(r"`(pypolicy/[\w/]+\.py)`", page))
    gone = sorted(p for p in named if not (ROOT / p).is_file())
    assert gone == [], f"docs/architecture.md names modules that do not exist: {gone}"
