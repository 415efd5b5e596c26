#!/usr/bin/env python3
"""Holds libiatk's symbols to its naming rule.

usage: check_symbols.py SOURCE_ROOT SHARED_LIB STATIC_LIB

* the shared library exports exactly the functions include/iatk/iatk.h
  declares with IATK_EXTERN, each under the version node of
  lib/libiatk.map;
* the static library defines no global symbol outside the public API that
  is not prefixed iatk__ (so linking it into a program cannot collide with
  the program's own names).
"""
import re
import subprocess
import sys


def public_functions(header):
    text = open(header, encoding="utf-8").read()
    names = set()
    # declarations only: "IATK_EXTERN <type> name(" on their own line
    for match in re.finditer(r"^IATK_EXTERN\s+[^;{(#]*?\b(iatk_\w+)\s*\(", text, re.M):
        names.add(match.group(1))
    return names


def defined_globals(path, dynamic):
    args = ["nm", "--defined-only"] + (["-D", "--with-symbol-versions"] if dynamic else ["-g"])
    out = subprocess.run(args + [path], check=True, capture_output=True, text=True).stdout
    symbols = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRVWiu" + "tdbr":
            symbols.append(parts[2])
    return symbols


def main():
    root, shared, static = sys.argv[1:4]
    public = public_functions(f"{root}/include/iatk/iatk.h")
    problems = []
    exported = {}
    for sym in defined_globals(shared, True):
        name, _, version = sym.partition("@")
        if name:
            exported[name] = version.lstrip("@")
    for name in sorted(set(exported) - public):
        problems.append(f"libiatk.so exports {name}, which iatk.h does not declare")
    for name in sorted(public - set(exported)):
        problems.append(f"iatk.h declares {name}, which libiatk.so does not export")
    for name, version in sorted(exported.items()):
        if version != "IATK_0" and name in public:
            problems.append(f"{name} is exported as version '{version}', not IATK_0")
    for name in sorted(set(defined_globals(static, False))):
        # "__" names are the toolchain's (ASan's __odr_asan.*), not ours
        if name not in public and not name.startswith(("iatk__", "__")):
            problems.append(f"libiatk.a defines {name}: internal names start with iatk__")
    for line in problems:
        print("check_symbols:", line)
    print(f"check_symbols: {len(public)} public functions, {len(exported)} exported, "
          f"{'FAILED' if problems else 'all internal names prefixed iatk__'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
