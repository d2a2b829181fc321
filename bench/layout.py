"""How the code is laid out: modules per folder, the largest modules, import cycles and
imports hidden inside functions, and the number of tests.

    python bench/layout.py                 # this checkout
    python bench/layout.py --code OLD_DIR  # another checkout, printed beside this one

A cycle is a strongly connected group of the project's own modules, counting every
import (those inside functions too: they hide a cycle, they do not remove it). An
import inside `if TYPE_CHECKING:` does not run and is left out.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from collections import Counter
from pathlib import Path

PACKAGES = ("coordinator", "workers")


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path) -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            found[module_name(root, path)] = path
    for top in ("wsgi.py", "config.py"):
        if (root / top).exists():
            found[top[:-3]] = root / top
    return found


def _resolve(name: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = name.split(".") if is_package else name.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports(name: str, path: Path, known: set[str]) -> tuple[set[str], int]:
    """The project's modules this one imports, and how many imports sit in functions."""
    tree = ast.parse(path.read_text(), str(path))
    skip = _type_checking_lines(tree)
    is_package = path.name == "__init__.py"
    inside = {id(n) for f in ast.walk(tree)
              if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
              for n in ast.walk(f)}
    targets: set[str] = set()
    hidden = 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom) or node.lineno in skip:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = _resolve(name, node, is_package)
            # `from package import module` needs the module, not what else the package's
            # __init__ imports; `from module import name` needs the module.
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                     for alias in node.names]
        own = set()
        for candidate in names:
            while candidate and candidate not in known:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                own.add(candidate)
        if own and id(node) in inside:
            hidden += 1
        targets |= own
    return targets, hidden


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    sys.setrecursionlimit(10_000)

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def count_tests(root: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p",
                           "no:cacheprovider"], cwd=root, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if "::" in line]
    return str(len(lines)) if lines else "?"


def measure(root: Path, with_tests: bool) -> dict[str, str]:
    found = modules(root)
    known = set(found)
    graph: dict[str, set[str]] = {}
    hidden = 0
    for name, path in found.items():
        graph[name], in_functions = imports(name, path, known)
        hidden += in_functions
    loops = cycles(graph)
    sizes = {name: len(path.read_text().splitlines()) for name, path in found.items()}
    largest = max(sizes, key=sizes.get)
    per_folder = Counter(str(path.parent.relative_to(root)) for path in found.values()
                         if path.name != "__init__.py")
    crowded = per_folder.most_common(1)[0]
    figures = {
        "modules": str(len(found)),
        "folders": str(len(per_folder)),
        "most modules in one folder": f"{crowded[1]} ({crowded[0]}/)",
        "entries directly in coordinator/": str(sum(
            1 for p in (root / "coordinator").iterdir()
            if p.name != "__pycache__" and (p.suffix == ".py" or p.is_dir()))),
        "largest module": f"{sizes[largest]} lines ({largest})",
        "import cycles": str(len(loops)),
        "modules in cycles": str(sum(len(loop) for loop in loops)),
        "project imports inside functions": str(hidden),
    }
    if with_tests:
        figures["tests collected"] = count_tests(root)
    figures["_loops"] = loops
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, help="another checkout to print beside this one")
    parser.add_argument("--no-tests", action="store_true", help="skip collecting the tests")
    args = parser.parse_args()
    here = Path(__file__).resolve().parent.parent
    columns = [("this checkout", measure(here, not args.no_tests))]
    if args.code:
        columns.insert(0, (str(args.code), measure(args.code.resolve(), not args.no_tests)))
    width = max(len(key) for key in columns[0][1])
    print(f"{'':<{width}}  " + "  ".join(f"{title:<36}" for title, _ in columns))
    for key in columns[-1][1]:
        if key.startswith("_"):
            continue
        print(f"{key:<{width}}  " + "  ".join(f"{figures.get(key, '-'):<36}"
                                               for _, figures in columns))
    for title, figures in columns:
        for loop in figures["_loops"]:
            print(f"cycle in {title}: {' ↔ '.join(loop)}")


if __name__ == "__main__":
    main()
