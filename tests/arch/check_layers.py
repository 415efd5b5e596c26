#!/usr/bin/env python3
"""Holds libiatk's folders to the layering that docs/architecture.md lists.

usage: check_layers.py SOURCE_ROOT OBJECT_DIR

OBJECT_DIR is CMake's object folder for lib/ (build/CMakeFiles/
iatk_objects.dir/lib).  Two graphs are measured and compared with the
declared arrows:
  * symbols: an object file of folder A that leaves a symbol undefined
    (nm -u) which an object of folder B defines is an arrow A -> B;
  * includes: `#include "B/..."` in a file of lib/A is an arrow A -> B.
Fails when an arrow is used but not declared, declared but unused, or when
the declared arrows have a cycle.  Objects whose source no longer exists
(a used build folder after a move) are ignored.
"""
import collections
import os
import re
import subprocess
import sys


def declared_layers(doc_path):
    text = open(doc_path, encoding="utf-8").read()
    match = re.search(r"<!-- layers -->\s*```\n(.*?)```", text, re.S)
    if not match:
        sys.exit(f"check_layers: no '<!-- layers -->' block in {doc_path}")
    layers = {}
    for line in match.group(1).splitlines():
        folder, _, deps = line.partition(":")
        layers[folder.strip()] = set(deps.split())
    return layers


def find_cycle(layers):
    state = {}

    def visit(node, path):
        state[node] = "open"
        for dep in sorted(layers.get(node, ())):
            if state.get(dep) == "open":
                return path + [node, dep]
            if dep not in state:
                cycle = visit(dep, path + [node])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for node in sorted(layers):
        if node not in state:
            cycle = visit(node, [])
            if cycle:
                return cycle
    return None


def nm(args, path):
    out = subprocess.run(["nm", *args, path], check=True, capture_output=True,
                         text=True).stdout
    return [line.split()[-1] for line in out.splitlines() if line.strip()]


def symbol_arrows(root, objdir):
    defined, used = {}, collections.defaultdict(set)
    for dirpath, _, files in os.walk(objdir):
        for name in files:
            if not name.endswith(".c.o"):
                continue
            obj = os.path.join(dirpath, name)
            rel = os.path.relpath(obj, objdir)[: -len(".o")]
            if not os.path.exists(os.path.join(root, "lib", rel)):
                continue
            folder = rel.split(os.sep)[0]
            for sym in nm(["--defined-only", "-g"], obj):
                defined[sym] = folder
            for sym in nm(["-u"], obj):
                used[folder].add(sym)
    arrows = collections.defaultdict(set)
    for folder, syms in used.items():
        for sym in syms:
            owner = defined.get(sym)
            if owner and owner != folder:
                arrows[(folder, owner)].add(sym)
    return arrows


def include_arrows(root):
    arrows = collections.defaultdict(set)
    lib = os.path.join(root, "lib")
    pattern = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/', re.M)
    for folder in sorted(os.listdir(lib)):
        for dirpath, _, files in os.walk(os.path.join(lib, folder)):
            for name in files:
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.join(dirpath, name)
                for target in pattern.findall(open(path, encoding="utf-8").read()):
                    if target != folder and target != "iatk":
                        arrows[(folder, target)].add(os.path.relpath(path, root))
    return arrows


def main():
    root, objdir = sys.argv[1], sys.argv[2]
    layers = declared_layers(os.path.join(root, "docs", "architecture.md"))
    problems = []
    folders = {f for f in os.listdir(os.path.join(root, "lib"))
               if os.path.isdir(os.path.join(root, "lib", f))}
    for missing in sorted(folders - set(layers)):
        problems.append(f"lib/{missing} is not in docs/architecture.md")
    cycle = find_cycle(layers)
    if cycle:
        problems.append("the declared arrows have a cycle: " + " -> ".join(cycle))
    symbols = symbol_arrows(root, objdir)
    includes = include_arrows(root)
    if not symbols:
        problems.append(f"no object files found in {objdir}")
    for (a, b), why in sorted({**includes, **symbols}.items()):
        if b not in layers.get(a, set()):
            detail = sorted(symbols.get((a, b), set()) | includes.get((a, b), set()))
            problems.append(f"{a} -> {b} is not declared (uses: {', '.join(detail[:6])})")
    for a, deps in sorted(layers.items()):
        for b in sorted(deps):
            if (a, b) not in symbols and (a, b) not in includes:
                problems.append(f"{a} -> {b} is declared but unused")
    for line in problems:
        print("check_layers:", line)
    used = sorted(set(symbols) | set(includes))
    print(f"check_layers: {len(folders)} folders, {len(used)} arrows used, "
          f"{'FAILED' if problems else 'no cycle, all declared'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
