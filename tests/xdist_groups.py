"""`--dist loadgroup` for pytest 9: the tests marked ``xdist_group(name)`` run on one worker.

pytest-xdist 3.8 tells its scheduler a test's group by appending ``@name`` to the node id
(``item._nodeid``), which pytest 9 no longer reads (the id is ``Node._id``): every group was
silently ignored and its tests spread over both workers, each starting the group's engines.
Here each worker writes the groups of its collection to a file (named by the controller in
``workerinput``), and the controller's scheduler (xdist's own, by scope) reads a test's group
from it. The hooks are registered in tests/conftest.py."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

WORKER_INPUT = "shopbot_xdist_groups"
_FOLDER = pytest.StashKey[str]()


def group_of(item: pytest.Item) -> str | None:
    """The item's group as pytest-xdist names it (its ``xdist_group`` marks, joined)."""
    names = {
        str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        for mark in item.iter_markers("xdist_group")
    }
    return "_".join(sorted(names)) if names else None


def unique_node_ids(items: list[pytest.Item]) -> None:
    """Give items that share a node id their own (their name's ``[...]`` part as parameters).

    On pytest 9 every operation schemathesis parametrizes (tests/ui/test_fuzz.py) gets the
    same node id: one process runs them all, but xdist knows a test by its id and would run
    only the first of them."""
    seen: dict[str, int] = {}
    for item in items:
        seen[item.nodeid] = seen.get(item.nodeid, 0) + 1
    for item in items:
        name = item.name
        if seen[item.nodeid] > 1 and name.endswith("]") and "[" in name:
            item._id = item._id.with_params(name[name.index("[") + 1 : -1])  # type: ignore[attr-defined]


def write_groups(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a worker: the group of every item in a group, for the controller's scheduler."""
    path = getattr(config, "workerinput", {}).get(WORKER_INPUT)
    if path is None:
        return
    groups = {item.nodeid: group for item in items if (group := group_of(item)) is not None}
    partial = Path(f"{path}.{config.workerinput['workerid']}")
    partial.write_text(json.dumps(groups), encoding="utf-8")
    os.replace(partial, path)  # every worker collects the same tests: same content


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """On the controller: where the workers write their groups."""
    config: pytest.Config = node.config
    if config.getvalue("dist") != "loadgroup":
        return
    if _FOLDER not in config.stash:
        folder = tempfile.mkdtemp(prefix="shopbot-xdist-")
        config.stash[_FOLDER] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    node.workerinput[WORKER_INPUT] = os.path.join(config.stash[_FOLDER], "groups.json")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist's scheduling by scope, a test's scope being its group (or the test alone)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:  # first asked once every worker has collected
                path = Path(config.stash[_FOLDER]) / "groups.json"
                self.groups = json.loads(path.read_text(encoding="utf-8"))
            return self.groups.get(nodeid, nodeid)

    return GroupScheduling(config, log)
