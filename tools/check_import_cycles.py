"""Fail when any module of a package imports itself back through other modules (an import cycle).

import-linter's contracts check direction between chosen packages; this checks every
module against every other, with grimp (the import graph import-linter is built on).
Imports inside functions count (a lazy import still ties the two modules together);
imports under ``if TYPE_CHECKING:`` do not (they never run).

Usage::

    python tools/check_import_cycles.py [PACKAGE ...]      # default: greenplan

Exit code 0: no cycle; 1: cycles found, each printed with the imports that make it
(``importer -> imported (line N)``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence


def find_cycles(graph) -> list[list[str]]:
    """The import cycles of ``graph``: each a sorted list of modules that import one another.

    The strongly connected components (Tarjan) with more than one module, plus modules that
    import themselves.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(root: str) -> None:
        # iterative depth-first search: (module, iterator over what it imports)
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                component = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    component.append(m)
                    if m == module:
                        break
                if len(component) > 1 or module in graph.find_modules_directly_imported_by(module):
                    out.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return sorted(out)


def describe(graph, cycle: Iterable[str]) -> list[str]:
    """``importer -> imported (line N, M)`` for each import inside ``cycle``."""
    members = sorted(cycle)
    lines = []
    for a in members:
        for b in members:
            if graph.direct_import_exists(importer=a, imported=b):
                nums = sorted({d["line_number"] for d in graph.get_import_details(importer=a, imported=b)})
                lines.append(f"  {a} -> {b} (line {', '.join(map(str, nums))})")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    import grimp

    packages = list(argv if argv is not None else sys.argv[1:]) or ["greenplan"]
    graph = grimp.build_graph(*packages, exclude_type_checking_imports=True, cache_dir=None)
    cycles = find_cycles(graph)
    for cycle in cycles:
        print(f"import cycle / 导入循环: {', '.join(cycle)}")
        print("\n".join(describe(graph, cycle)))
    if cycles:
        print(f"{len(cycles)} import cycle(s) in {', '.join(packages)}", file=sys.stderr)
        return 1
    print(f"no import cycle in {', '.join(packages)} ({len(graph.modules)} modules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
