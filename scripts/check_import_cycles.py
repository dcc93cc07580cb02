"""Fail when any two modules of the project import each other, directly or through others.

import-linter checks the layers between apps; this checks every module, within an app too,
and counts imports inside functions as well (grimp sees them): a function-local import may
hide a cycle but does not make it go away. Run by `make lint` and CI.
"""

import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PACKAGES = [
    "config", "core", "accounts", "customers", "catalog", "calls", "cancellations", "claims",
    "winback", "desk", "reporting", "demo",
]  # fmt: skip


def cycles(graph) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iteratively)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
    return found


def main() -> int:
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    found = cycles(graph)
    for group in found:
        chain = graph.find_shortest_chain(importer=group[0], imported=group[1])
        back = graph.find_shortest_chain(importer=group[1], imported=group[0])
        print(f"import cycle among {', '.join(group)}:")
        print(f"  {' -> '.join(chain or [])}")
        print(f"  {' -> '.join(back or [])}")
    if found:
        return 1
    print(f"no import cycle among {len(graph.modules)} modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
