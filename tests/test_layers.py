"""The package graph stays one-way: each layer imports only the layers below it.

Read from the source with :mod:`ast` (nothing is imported), so an import that would only
fail at run time, one hidden under ``if TYPE_CHECKING:`` or one moved into a function to
dodge a cycle is seen like any other. The layer order is the README's "How a build works".
"""

from __future__ import annotations

import ast
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"

# Bottom to top. A package may import its own layer's modules only where listed in SAME_LAYER.
LAYERS: list[set[str]] = [
    {"errors", "urls", "atomic", "processes", "configschema", "untrusted", "sitefiles", "strings", "__init__"},
    {"rights"},  # licences, crawler data, presets, licensing addresses: pure data and lookups
    {"images"},  # pure image functions fed plain jobs (knows no config, content or pages)
    {"output"},  # where files are written: the published folder, the preview folder
    {"config"},
    {"content"},
    {"protect"},  # the signals a site sends, computed from config and content (not written here)
    {"render"},  # templates -> page text (writes nothing)
    {"pipeline", "audit"},  # the phases build and serve share; the audit, apart from the generator
    {"serve", "copies"},  # the preview server; find-copies, reading the index the pipeline writes
    {"commands"},
    {"cli"},
    {"__main__"},
]

# Foundation modules that build on each other (all stdlib-only otherwise).
SAME_LAYER = {("sitefiles", "errors"), ("untrusted", "errors")}

# The audit checks what the generator produced, so it must not share the generator's code:
# only the data both read (crawler list, presets, licence table) and the config it audits.
AUDIT_MAY_IMPORT = {"errors", "urls", "configschema", "__init__", "rights", "config", "audit"}

# In-function imports that are not dodging a cycle, with the reason.
LAZY_IMPORTS = {
    # `sitegen --version` and the stamp's "nothing changed" must not pay for Pillow and Jinja2.
    ("cli", "sitegen.commands.build"),
    ("cli", "sitegen.commands.new"),
    ("cli", "sitegen.commands.audit"),
    ("cli", "sitegen.commands.serve"),
    # A no-op `sitegen build` decides before Pillow, Jinja2, Markdown and YAML are loaded (issue 14).
    ("pipeline", "sitegen.pipeline.fullbuild"),
    ("cli", "sitegen.commands.find_copies"),
    ("cli", "sitegen.commands.keygen"),
    ("commands", "cryptography"),  # the optional c2pa extra, only for `sitegen keygen`
    ("cli", "sitegen.copies.candidates"),
    ("images", "pillow_heif"),  # optional extra: HEIC support only when installed
    ("images", "c2pa"),  # optional extra: Content Credentials only when a site signs
    ("images", "cryptography"),  # comes with the c2pa extra: the signing key's algorithm
    ("audit", "c2pa"),  # optional extra: manifests are read only when it is installed
}


def _lazy(module: str, target: str) -> bool:
    return (_top(module), target.split(".")[0]) in LAZY_IMPORTS or (
        _top(module),
        ".".join(target.split(".")[:3]),
    ) in LAZY_IMPORTS


def _layer_of(package: str) -> int:
    for number, layer in enumerate(LAYERS):
        if package in layer:
            return number
    raise AssertionError(f"sitegen/{package} is in no layer of tests/test_layers.py: place it")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _target(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports() -> list[tuple[str, str, str]]:
    """(importing module, imported module, how) for every import of the package's own code."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "themes" in path.relative_to(PACKAGE).parts:
            continue
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        nested = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                nested.update(id(sub) for sub in ast.walk(node) if isinstance(sub, ast.Import | ast.ImportFrom))
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                found.append((module, "TYPE_CHECKING", "if TYPE_CHECKING"))
        for node in ast.walk(tree):
            how = "in a function" if id(node) in nested else "module level"
            if isinstance(node, ast.ImportFrom):
                target = _target(module, path.name == "__init__.py", node)
                if target == "sitegen":  # `from .. import x`: a module of the package, or a name in __init__
                    targets = [
                        f"sitegen.{alias.name}"
                        if (PACKAGE / alias.name).is_dir() or (PACKAGE / f"{alias.name}.py").is_file()
                        else "sitegen"
                        for alias in node.names
                    ]
                else:
                    targets = [target]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for name in targets:
                if name.startswith("sitegen") or how == "in a function":
                    found.append((module, name, how))
    return found


IMPORTS = _imports()


def test_the_walk_sees_the_known_imports() -> None:
    """A broken walker would make every check below pass vacuously."""
    assert ("sitegen.pipeline.phases", "sitegen.render.site", "module level") in IMPORTS
    assert ("sitegen.cli", "sitegen.commands.serve", "in a function") in IMPORTS
    assert len({module for module, _, _ in IMPORTS}) > 40


def upward(imports: list[tuple[str, str, str]]) -> list[str]:
    found = []
    for module, target, _ in imports:
        if not target.startswith("sitegen"):
            continue
        source, dest = _top(module), _top(target)
        if source == dest or (source, dest) in SAME_LAYER:
            continue
        if _layer_of(dest) >= _layer_of(source):
            found.append(f"{module} -> {target}")
    return found


def shared_with_generator(imports: list[tuple[str, str, str]]) -> list[str]:
    return [
        f"{module} -> {target}"
        for module, target, _ in imports
        if _top(module) == "audit" and target.startswith("sitegen") and _top(target) not in AUDIT_MAY_IMPORT
    ]


def known_to_images(imports: list[tuple[str, str, str]]) -> list[str]:
    below = {"errors", "urls", "atomic", "processes", "untrusted", "images"}
    return [
        f"{module} -> {target}"
        for module, target, _ in imports
        if _top(module) == "images" and target.startswith("sitegen") and _top(target) not in below
    ]


def test_no_import_reaches_up_the_layers() -> None:
    assert upward(IMPORTS) == []


def test_the_audit_shares_no_code_with_the_generator() -> None:
    assert shared_with_generator(IMPORTS) == []


def test_images_knows_nothing_of_config_or_content() -> None:
    assert known_to_images(IMPORTS) == []


def test_no_type_checking_blocks_and_no_imports_hidden_in_functions() -> None:
    dodges = []
    for module, target, how in IMPORTS:
        if how == "if TYPE_CHECKING":
            dodges.append(f"{module}: if TYPE_CHECKING")
        elif how == "in a function" and not _lazy(module, target):
            dodges.append(f"{module}: imports {target} in a function")
    assert dodges == []


def _package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for module, target, _ in IMPORTS:
        if target.startswith("sitegen") and _top(module) != _top(target):
            graph[_top(module)].add(_top(target))
    return graph


def test_no_cycle_between_packages() -> None:
    graph = _package_graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]) if nxt in trail else nxt)
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


@pytest.mark.parametrize(
    ("module", "target", "rule"),
    [
        ("sitegen.config.sections", "sitegen.render.theme", upward),
        ("sitegen.audit.robots", "sitegen.protect.robots", shared_with_generator),
        ("sitegen.images.batch", "sitegen.config", known_to_images),
    ],
)
def test_each_rule_catches_a_planted_violation(module: str, target: str, rule: Any) -> None:
    """So that an empty result above means something."""
    assert rule([*IMPORTS, (module, target, "module level")]) == [*rule(IMPORTS), f"{module} -> {target}"]


def writes_outside_the_pipeline(imports: list[tuple[str, str, str]]) -> list[str]:
    """render/ and protect/ produce texts; only the pipeline's publish phase holds a writer."""
    return [
        f"{module} -> {target}"
        for module, target, _ in imports
        if _top(module) in ("render", "protect") and target.startswith("sitegen.output")
    ]


def test_only_the_pipeline_sees_an_output() -> None:
    assert writes_outside_the_pipeline(IMPORTS) == []
    planted = [*IMPORTS, ("sitegen.render.site", "sitegen.output.folder", "module level")]
    assert writes_outside_the_pipeline(planted) == ["sitegen.render.site -> sitegen.output.folder"]


def test_every_package_is_installed() -> None:
    """An editable install on this machine finds every folder; a wheel or a fresh clone's install only
    the packages pyproject.toml lists, so a new layer missing there breaks `pip install` in CI."""

    listed = set(
        tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"]
    )
    present = {
        ".".join(init.parent.relative_to(PACKAGE.parent).parts)
        for init in PACKAGE.rglob("__init__.py")
        if "themes" not in init.relative_to(PACKAGE).parts
    }
    assert present - listed == set()
