"""The models' source -> the `models` package: the classes split into modules so that using one model
imports the classes it refers to and no others, and an `__init__` importing each module on first use.

Classes that refer to one another in a cycle share a module; a class that only one module refers to
joins that module; every other class heads a module of its own. So modules import one another without
a cycle (at the top, which base classes and enum defaults need), and importing a model's module
imports exactly the classes that model reaches. Each step is linear in the size of the source.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ..naming import bounded_name, snake

# A definition as the models library writes it, at the start of a line: a class statement, or a type
# alias (`Item = TypeAliasType("Item", A | B)`: a union or a constrained value, no class of its own).
DEFINITION = re.compile(r"^(?:class (?=\w+\()|(?=\w+ = TypeAliasType\())(\w+)", re.MULTILINE)
# A top-level line that is neither a class, an import, a comment nor inside a class: the library's
# `X.model_rebuild()` (not needed: every model builds itself on first use).
_REBUILD = re.compile(r"^\w+\.model_rebuild\(\)\n", re.MULTILINE)
# Strings (skipped, but for a quoted name: a forward reference) and names (any letter first: a
# schema may be named `Ünïcødé`), in one scan.
_TOKENS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*|([^\W\d]\w*)'
)
_QUOTED_NAME = re.compile(r"""^["'](\w+)["']$""")


@dataclass(frozen=True)
class ModelsPackage:
    modules: dict[str, str]  # module name (`_customer`) -> source, without the file header
    members: dict[str, list[str]]  # module name -> its classes, in the order of the source

    def files(self, header: str, init: str) -> dict[str, str]:
        """Relative path -> text of every file of `models/`, `init` being its `__init__.py`."""
        found = {"models/__init__.py": init}
        found.update({f"models/{name}.py": f"{header}\n{text}" for name, text in self.modules.items()})
        return found


def split_models(source: str) -> ModelsPackage:
    """`source`: one module of classes (imports first), as the models stage finishes it."""
    source = _REBUILD.sub("", source)
    headers = list(DEFINITION.finditer(source))
    if not headers:
        return ModelsPackage({}, {})
    # The submodules sit one level below the package, where `_runtime/` is.
    prelude = source[: headers[0].start()].strip("\n").replace("from ._runtime.", "from .._runtime.")
    blocks: dict[str, str] = {}
    for index, header in enumerate(headers):
        end = headers[index + 1].start() if index + 1 < len(headers) else len(source)
        blocks[header.group(1)] = source[header.start() : end].strip("\n")
    refers = {name: _names_in(block, blocks, name) for name, block in blocks.items()}
    homes = _homes(list(blocks), refers)
    modules = _module_names(list(blocks), homes)
    grouped: dict[str, list[str]] = defaultdict(list)
    for name in blocks:
        grouped[modules[homes[name]]].append(name)
    texts = {}
    for module, names in grouped.items():
        imported: dict[str, set[str]] = defaultdict(set)
        for name in names:
            for other in refers[name]:
                if modules[homes[other]] != module:
                    imported[modules[homes[other]]].add(other)
        imports = [f"from .{m} import {', '.join(sorted(imported[m]))}" for m in sorted(imported)]
        body = "\n\n\n".join(blocks[name] for name in names)
        texts[module] = "\n".join([prelude, *imports]) + "\n\n\n" + body + "\n"
    return ModelsPackage(texts, dict(grouped))


def _names_in(block: str, classes: dict[str, str], own: str) -> set[str]:
    """The classes a class statement names (in code, or quoted as a forward reference)."""
    found: set[str] = set()
    for match in _TOKENS.finditer(block):
        word = match.group(1)
        if word is None:
            quoted = _QUOTED_NAME.match(match.group(0))
            word = quoted.group(1) if quoted else None
        if word is not None and word in classes and word != own:
            found.add(word)
    return found


def _homes(names: list[str], refers: dict[str, set[str]]) -> dict[str, str]:
    """Class -> the class heading its module (see the module's docstring)."""
    components = _strongly_connected(names, refers)
    component_of = {name: index for index, members in enumerate(components) for name in members}
    referrers: dict[int, set[int]] = defaultdict(set)
    for name in names:
        for other in refers[name]:
            if component_of[other] != component_of[name]:
                referrers[component_of[other]].add(component_of[name])
    # Components come out of Tarjan's algorithm referred-to first; their referrers are settled first
    # when walking the list backwards.
    head: dict[int, int] = {}
    for index in reversed(range(len(components))):
        only = referrers[index]
        head[index] = head[next(iter(only))] if len(only) == 1 else index
    leaders = {index: min(members, key=lambda n: (len(n), n)) for index, members in enumerate(components)}
    return {name: leaders[head[component_of[name]]] for name in names}


def _strongly_connected(names: list[str], refers: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm without recursion (a spec may chain thousands of schemas); a component is
    listed after every component it refers to."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for root in names:
        if root in index:
            continue
        work = [(root, iter(sorted(refers[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(refers[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                components.append(members)
    return components


def _module_names(names: list[str], homes: dict[str, str]) -> dict[str, str]:
    """Heading class -> module name (`_customer`), distinct, in the order of the source."""
    taken: set[str] = set()
    modules: dict[str, str] = {}
    for name in names:
        leader = homes[name]
        if leader in modules:
            continue
        base = "_" + bounded_name(snake(leader) or "models")
        module, number = base, 2
        while module in taken:
            module, number = f"{base}_{number}", number + 1
        taken.add(module)
        modules[leader] = module
    return modules
