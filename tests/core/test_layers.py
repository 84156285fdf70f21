"""The package's shape: imports run one way, report modules read records without torch,
no module grows past ~300 lines, and the public API stays importable."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

PKG = REPO / "w2s_helpers"
# a module may import its own layer and the ones below it, never a higher one
LAYERS = {
    "core": 0,
    "zoo": 1,
    "vision": 2,
    "scale": 2,
    "grid": 3,
    "classification": 4,
    "reasoning": 4,
    "cli": 5,
}


def _imports(path: Path) -> set[str]:
    """Absolute names of the w2s_helpers modules a file imports (relative imports resolved)."""
    rel = path.relative_to(REPO).with_suffix("")
    parts = list(rel.parts)
    pkg = parts if path.name == "__init__.py" else parts[:-1]
    if path.name == "__init__.py":
        pkg = parts[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg[: len(pkg) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.startswith("w2s_helpers"):
                out.add(name)
                out.update(f"{name}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("w2s_helpers"))
    return out


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


MODULES = sorted(p for p in PKG.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PKG)))
def test_imports_run_downward(path):
    mine = _layer(".".join(path.relative_to(REPO).with_suffix("").parts))
    if mine is None:
        return
    for name in _imports(path):
        theirs = _layer(name)
        if theirs is None or theirs == mine:
            continue
        assert LAYERS[theirs] < LAYERS[mine], f"{path.relative_to(REPO)} ({mine}) imports {name} ({theirs})"


def test_flows_do_not_import_each_other():
    for flow, other in (("classification", "reasoning"), ("reasoning", "classification")):
        for path in (PKG / flow).rglob("*.py"):
            assert not any(n.startswith(f"w2s_helpers.{other}") for n in _imports(path)), path


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")


def test_no_import_cycles():
    """Imports of a package count as imports of its __init__ (which imports its modules)."""
    names = {_module_name(p) for p in MODULES}
    graph = {_module_name(path): {n for n in _imports(path) if n in names} for path in MODULES}
    state: dict[str, int] = {}

    def visit(n, stack):
        state[n] = 1
        for d in graph.get(n, ()):
            if d == n or n.startswith(f"{d}."):  # a module naming its own package
                continue
            assert state.get(d) != 1, f"import cycle: {' -> '.join([*stack, n, d])}"
            if d not in state:
                visit(d, [*stack, n])
        state[n] = 2

    for n in graph:
        if n not in state:
            visit(n, [])


@pytest.mark.parametrize(
    "module",
    [
        "w2s_helpers",
        "w2s_helpers.classification.report",
        "w2s_helpers.classification.config",
        "w2s_helpers.classification.grid",
        "w2s_helpers.classification.flow",
        "w2s_helpers.reasoning.flow",
        "w2s_helpers.reasoning.grid_report",
        "w2s_helpers.grid.engine",
        "w2s_helpers.reasoning.report",
        "w2s_helpers.reasoning.experiment",
        "w2s_helpers.cli.main",
    ],
)
def test_light_modules_import_no_torch(module):
    code = f"import sys, {module}; print(sorted(m for m in ('torch', 'trl', 'transformers') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]", f"{module} imports {out}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PKG)))
def test_modules_stay_small(path):
    assert len(path.read_text().splitlines()) <= 320, (
        f"{path.relative_to(REPO)}: split it (one idea per module)"
    )


def test_public_api():
    import w2s_helpers
    from w2s_helpers import ClassificationConfig, ReasoningConfig, extract_answer, get_loss, is_equiv, pgr

    assert extract_answer("so #### 42", "gsm8k") == "42" and is_equiv("0.50", "0.5", "gsm8k")
    assert pgr(0.6, 0.8, 0.7) == pytest.approx(0.5)
    assert get_loss("xent") is not None
    assert ClassificationConfig().kind == "gt" and ReasoningConfig().dataset == "gsm8k"
    assert set(w2s_helpers.__all__) >= {"extract_answer", "is_equiv", "get_loss", "pgr"}


def _defines(name: str) -> list[str]:
    """Modules of the package that define a function `name` (any nesting)."""
    out = []
    for path in MODULES:
        tree = ast.parse(path.read_text())
        if any(isinstance(n, ast.FunctionDef) and n.name == name for n in ast.walk(tree)):
            out.append(str(path.relative_to(PKG)))
    return out


def _mentions(text: str) -> list[str]:
    return [str(p.relative_to(PKG)) for p in MODULES if text in p.read_text()]


def test_one_grid_engine():
    """Both flows run through grid.engine: only it drives executors and tracking, and the
    flows hold only their rules (spec type, checks, cells, plan rows, report)."""
    assert _defines("run_cells") == ["grid/executors.py"]
    for name in ("run_cells(", "check_executor(", "grid_tracker(", "read_yaml("):
        callers = {m for m in _mentions(name) if not m.startswith("grid/")}
        assert callers <= {"cli/pipelines.py"} if name == "read_yaml(" else not callers, (name, callers)
    for flow in ("classification", "reasoning"):
        text = (PKG / flow / "flow.py").read_text()
        assert "engine.bound(FLOW)" in text and "FLOW = Flow(" in text


def test_one_identity_function():
    """A config's identity is `core.configs.identity`; no module prunes a dict of fields by hand."""
    assert _defines("identity") == sorted(
        [
            "core/configs.py",
            "classification/config.py",
            "reasoning/config.py",
            "vision/data.py",
            "zoo/sources.py",
        ]
    )  # zoo's names weights and vision's a set of images by content; the configs' methods are one line
    for path in ("classification/config.py", "reasoning/config.py"):
        tree = ast.parse((PKG / path).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == "identity":
                assert len(node.body) <= 2, f"{path}: identity() must only call core.configs.identity"
    assert not _mentions("_NOT_RESULT") and not _mentions("d.pop(")


def test_one_dtype_resolver():
    """What "auto" means is decided in core/compute.py alone."""
    assert _mentions("is_bf16_supported") == ["core/compute.py"]
    assert not _mentions("_is_avx512_bf16_supported")
    assert _defines("resolve_dtype") == ["core/compute.py"]


SUBPACKAGES = sorted(p.parent for p in PKG.rglob("__init__.py") if p.parent != PKG)


@pytest.mark.parametrize("pkg", SUBPACKAGES, ids=lambda p: str(p.relative_to(PKG)))
def test_every_module_is_on_the_map(pkg):
    """A newcomer finds every module in its package's docstring and in the README's layout."""
    doc = ast.get_docstring(ast.parse((pkg / "__init__.py").read_text())) or ""
    readme = (REPO / "README.md").read_text()
    layout = readme[readme.index("core/            the shared core") :]
    layout = layout[: layout.index("```")]
    for mod in sorted(p.stem for p in pkg.glob("*.py") if p.stem not in ("__init__", "__main__")):
        assert mod in doc, f"{pkg.relative_to(REPO)}/__init__.py does not name {mod}"
        if pkg.parent == PKG or pkg.name in ("images", "generation", "stages"):
            assert mod in layout, f"README layout does not name {pkg.name}/{mod}"
