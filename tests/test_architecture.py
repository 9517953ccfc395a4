"""The house's import rules (docs/ARCHITECTURE.md): nothing lower imports anything higher, and the UI libraries
stay in their rooms. Read from the source with ``ast``, so a lazy import inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: Layers, low to high; a module may import its own layer and the ones before it.
LAYERS = ["i18n", "loaders", "analysis", "dashboard.query", "dashboard.render", "dashboard.cli", "dashboard.app"]
#: The two top layers stand side by side: neither imports the other.
SIDE_BY_SIDE = {("dashboard.cli", "dashboard.app"), ("dashboard.app", "dashboard.cli")}
#: Third-party libraries allowed only in these modules (prefixes).
CONFINED = {
    "streamlit": ("dashboard.app",),
    "streamlit_folium": ("dashboard.app",),
    "folium": ("dashboard.render.webmap", "dashboard.render.html", "dashboard.render.offline"),
    "branca": ("dashboard.render.webmap", "dashboard.render.html", "dashboard.render.offline"),
    "matplotlib": ("dashboard.render.static_map", "dashboard.render.static_layout", "dashboard.render.atlas"),
    "matplotlib_scalebar": ("dashboard.render.static_layout",),
}


def modules():
    for package in ("i18n", "loaders", "analysis", "dashboard"):
        for path in sorted((REPO / package).rglob("*.py")):
            name = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
            yield name, path


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def layer_of(name: str) -> str | None:
    return next((layer for layer in reversed(LAYERS) if name == layer or name.startswith(layer + ".")), None)


ALL = list(modules())


@pytest.mark.parametrize("name, path", ALL, ids=[name for name, _ in ALL])
def test_nothing_lower_imports_anything_higher(name, path):
    own = layer_of(name)
    if name == "dashboard":  # the package's face: a docstring only
        assert not imports_of(path)
        return
    assert own is not None, f"{name} belongs to no layer"
    for target in imports_of(path):
        other = layer_of(target)
        if other is None:
            continue
        assert LAYERS.index(other) <= LAYERS.index(own) and (own, other) not in SIDE_BY_SIDE, \
            f"{name} ({own}) imports {target} ({other})"


@pytest.mark.parametrize("name, path", ALL, ids=[name for name, _ in ALL])
def test_ui_libraries_stay_in_their_rooms(name, path):
    for target in imports_of(path):
        library = target.split(".")[0]
        if library in CONFINED:
            assert name.startswith(CONFINED[library]), f"{name} imports {library}"


def test_analysis_touches_no_files_environment_or_javascript():
    for path in (REPO / "analysis").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for forbidden in ("os.environ", "open(", "read_parquet", "to_parquet", "read_file", "function(", "Path("):
            assert forbidden not in text, f"{path.name} uses {forbidden}"


def test_settings_and_environment_are_read_in_one_place():
    for name, path in ALL:
        if name == "loaders.settings":
            continue
        text = path.read_text(encoding="utf-8")
        assert "os.environ" not in text and "getenv" not in text, f"{name} reads the environment"
        assert "settings.toml" not in text or "load_settings" in text or name.startswith("dashboard.app"), name
