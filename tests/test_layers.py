"""The runtime's import graph: no cycles, and every import goes down the layers (or stays in
its own). Every import statement counts: at the top, inside a function, or for typing only.

Layers, bottom up (a module may import its own layer and the ones below):
  foundation  settings, errors, languages, reasons, statuses and other leaves
  components  model backends, retrieval, sentiment, orders, the conversation store
  pipeline    the turn: escalation, grounding, answers, responders, `ShopBot`, hand-offs
  services    built on the pipeline: insights, fine-tuning
  interfaces  the web app (`ui`) and the command line
`evals` sits above them all and no runtime module imports it.
"""

from __future__ import annotations

import ast
import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ("bot", "retrieval", "finetune", "ui")

LAYERS: list[tuple[str, list[str]]] = [
    (
        "foundation",
        [
            "bot.settings",
            "bot.errors",
            "bot.language",
            "bot.cedict",
            "bot.reasons",
            "bot.status",
            "bot.output",
            "bot.cpu",
            "bot.database",
            "bot.model_files",
            "bot.bundled",
            "bot.privacy",
            "bot.messages",
            "bot.conversations",
            "bot.knowledge",
            "bot.fakes",
            "bot.hours",
        ],
    ),
    (
        "components",
        [
            "bot.backends",
            "bot.backends.*",
            "bot.sentiment",
            "bot.sentiment.*",
            "bot.orders",
            "bot.orders.*",
            "bot.schema",
            "bot.migrations",
            "bot.migrations.env",
            "bot.migrations.versions.*",
            "bot.store",
            "bot.agents",
            "retrieval",
            "retrieval.*",
        ],
    ),
    (
        "pipeline",
        [
            "bot",
            "bot.state",
            "bot.escalation",
            "bot.turns",
            "bot.safety",
            "bot.grounding",
            "bot.prompting",
            "bot.extractive",
            "bot.listed",
            "bot.leads",
            "bot.discovery",
            "bot.answering",
            "bot.turn_prompt",
            "bot.handoff",
            "bot.humans",
            "bot.replier",
            "bot.replay",
            "bot.responders",
            "bot.pipeline",
            "bot.parts",
            "bot.shopbot",
            "bot.inflight",
            "bot.health",
            "bot.desk",
            "bot.shoppers",
            "bot.data_rights",
            "bot.offline",
            "bot.copilot",
            "bot.copilot.*",
        ],
    ),
    (
        "services",
        [
            "bot.insights",
            "bot.insights.*",
            "finetune",
            "finetune.*",
            "bot.helpdesk",
            "bot.helpdesk.*",
        ],
    ),
    (
        "interfaces",
        [
            "ui",
            "ui.*",
            "bot.cli",
            "bot.commands",
            "bot.privacy_commands",
            "bot.agent_commands",
            "bot.insights.commands",
            "bot.migrations.__main__",
            "retrieval.commands",
            "finetune.commands",
        ],
    ),
]


def runtime_modules() -> dict[str, Path]:
    modules = {}
    for package in RUNTIME:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imported(name: str, node: ast.Import | ast.ImportFrom, is_package: bool) -> list[str]:
    """The absolute module names an import statement names (``from a import b``: ``a.b``
    when that is a module, else ``a``)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = name.split(".") if is_package else name.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base] if base else package)
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


def import_graph() -> dict[str, set[str]]:
    """Runtime module -> the runtime modules it imports."""
    modules = runtime_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = imported(name, node, path.name == "__init__.py")
            if isinstance(node, ast.ImportFrom):
                submodules = [n for n in names[:-1] if n in modules]
                names = submodules or names[-1:]
            for target in names:
                while target and target not in modules:  # `import a.b.c` of a package a.b
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_of(module: str) -> int:
    for number, (_, patterns) in reversed(list(enumerate(LAYERS))):
        if module in patterns:  # a name given exactly wins over a pattern
            return number
    for number, (_, patterns) in enumerate(LAYERS):
        if any(fnmatch.fnmatchcase(module, p) for p in patterns if "*" in p):
            return number
    raise LookupError(module)


def test_the_graph_sees_the_known_edges() -> None:
    graph = import_graph()
    assert "bot.pipeline" in graph["bot.shopbot"]  # top-level import
    assert "retrieval" in graph["bot.parts"]  # imported inside a function
    assert "bot.knowledge" in graph["bot.safety"]  # imported for typing only
    assert "bot.store" in graph["bot.migrations"] or "bot.schema" in graph["bot.migrations"]


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_runtime_module_has_its_layer() -> None:
    unplaced = []
    for module in runtime_modules():
        try:
            layer_of(module)
        except LookupError:
            unplaced.append(module)
    assert not unplaced, f"add these to LAYERS in {Path(__file__).name}: {unplaced}"


def test_imports_go_down_the_layers() -> None:
    upward = [
        f"{module} ({LAYERS[layer_of(module)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
        for module, targets in sorted(import_graph().items())
        for target in sorted(targets)
        if layer_of(target) > layer_of(module)
    ]
    assert not upward, "\n".join(upward)


def test_the_runtime_never_imports_evals() -> None:
    offenders = []
    for name, path in runtime_modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = imported(name, node, path.name == "__init__.py")
                if any(n == "evals" or n.startswith("evals.") for n in names):
                    offenders.append(f"{name}:{node.lineno}")
    assert not offenders


@pytest.mark.parametrize(
    "package",
    [
        "bot",
        "bot.backends",
        "bot.sentiment",
        "bot.orders",
        "bot.insights",
        "bot.migrations",
        "retrieval",
        "finetune",
        "ui",
        "evals",
    ],
)
def test_every_package_says_what_it_owns_and_may_import(package: str) -> None:
    path = ROOT.joinpath(*package.split(".")) / "__init__.py"
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert "may import" in docstring.lower(), f"{package}: say what it owns and may import"
