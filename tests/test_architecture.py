"""The house's import rules (docs/ARCHITECTURE.md): nothing lower imports anything higher, and the UI libraries
stay in their rooms. Read from the source with ``ast``, so a lazy import inside a function counts too.

And the document itself: every module has its line in the module map, and every path, module and name the
document mentions exists, so a module added without a line, or renamed, fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ARCHITECTURE = REPO / "docs" / "ARCHITECTURE.md"
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


# -- the document: docs/ARCHITECTURE.md says what every module is, and names only what exists ---------------------


def section(title: str) -> str:
    """The body of the ``## title`` section of docs/ARCHITECTURE.md (up to the next ``## ``)."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end == -1 else text[start:end]


def module_map_paths() -> list[str]:
    """The paths in the first column of the module map, one per row (``| `path` | what |``)."""
    return re.findall(r"^\| `([^`]+)` \|", section("Module map"), re.MULTILINE)


def top_level_names(path: Path) -> set[str]:
    """What a module defines or imports at its top level (read with ``ast``, nothing is imported)."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def module_file(parts: list[str]) -> Path | None:
    """The file of a dotted module name, or None."""
    base = REPO.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def test_every_module_has_a_line_in_the_module_map():
    named = module_map_paths()
    doubles = sorted({path for path in named if named.count(path) > 1})
    assert not doubles, f"named twice in the module map: {doubles}"
    missing = [path.relative_to(REPO).as_posix() for _, path in ALL
               if path.stem not in ("__init__", "__main__") and path.relative_to(REPO).as_posix() not in named]
    assert not missing, f"modules without a line in docs/ARCHITECTURE.md's module map: {missing}"


def test_every_path_in_the_module_map_exists():
    named = module_map_paths()
    assert len(named) > 100, "the module map's rows were not found: is each path in backticks in the first column?"
    gone = [path for path in named if not any(REPO.glob(path.rstrip("/")))]
    assert not gone, f"docs/ARCHITECTURE.md names paths that do not exist: {gone}"


def test_every_module_and_name_the_document_names_exists():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    dotted = set(re.findall(r"`((?:i18n|loaders|analysis|dashboard)(?:\.\w+)+)", text))
    assert dotted, "no dotted names found in docs/ARCHITECTURE.md"
    wrong = []
    for name in sorted(dotted):
        parts = name.split(".")
        depth = next((k for k in range(len(parts), 0, -1) if module_file(parts[:k])), 0)
        if depth == 0:
            wrong.append(name)
        elif depth < len(parts) and parts[depth] not in top_level_names(module_file(parts[:depth])):
            wrong.append(name)
    assert not wrong, f"docs/ARCHITECTURE.md names modules or names that do not exist: {wrong}"
