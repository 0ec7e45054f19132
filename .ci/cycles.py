#!/usr/bin/env python3
"""Fails if any two source files of a crate import each other, directly or
through others (an import cycle).

For each crate's `src/` folder: every `.rs` file is a module
(`participation/supports.rs` is `participation::supports`, a `mod.rs` is its
folder). A file depends on the files it names: `crate::…`, `super::…` and
`self::…` paths in `use` items and in code, and `child::…` paths through a
child module it declares. A path ends at the deepest module file it reaches;
a path through a re-export (`pub use a::Item;`) ends where the item is
defined. Declaring a child (`mod child;`) is containment, not a dependency.
Test modules (`#[cfg(test)] mod tests { … }`), comments and visibility
scopes (`pub(in crate::a)`) are left out. A module generated at build time
and included (`include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"))`) is a leaf.

In `shared/src` it also checks that features only use the features below
them (`LAYERS`, bottom first): data flows down only.

Usage: .ci/cycles.py [SRC_DIR …]   (default: shared/src app/src server/src)
"""

import os
import re
import sys
from collections import defaultdict

PATH = re.compile(r"\b((?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE = re.compile(r"\buse\s+([^;]+);")
PUB_USE = re.compile(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]+);")
CHILD = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", re.M)
# The domain's features from the bottom up, by folder: a module may use its
# own feature and those listed before it, never one listed after it.
LAYERS = {
    ("service",): ["entity", "common", "notifications", "accounts", "processes",
                   "participation", "facilitation", "dup", "plan", "open_data", "seed"],
    ("model",): ["common", "accounts", "processes", "participation", "facilitation", "dup", "plan"],
}
TEST_MODULE = re.compile(r"#\[cfg\(test\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{")
GENERATED = re.compile(r'include!\(concat!\(env!\("OUT_DIR"\),\s*"/(\w+)/mod\.rs"\)\)')


def modules(src):
    """Module path (a tuple) -> file, or None for a generated module."""
    found = {}
    for root, _, files in os.walk(src):
        for name in files:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(root, name)
            parts = os.path.relpath(path, src)[:-3].split(os.sep)
            if parts[-1] == "mod" or parts in (["lib"], ["main"]):
                parts = parts[:-1]
            found[tuple(parts)] = path
            with open(path, encoding="utf-8") as f:
                for generated in GENERATED.findall(f.read()):
                    found[tuple(parts) + (generated,)] = None
    return found


def code_of(path):
    """The file's code without comments, test modules and `pub(in …)`."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"pub\(in [^)]*\)", "pub", text)
    kept, at = [], 0
    while (m := TEST_MODULE.search(text, at)) is not None:
        kept.append(text[at : m.start()])
        depth, at = 1, m.end()
        while at < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[at], 0)
            at += 1
    kept.append(text[at:])
    return "".join(kept)


def leaves(tree):
    """The paths of a use tree: `a::{b, c::{d, self}}` -> a::b, a::c::d, a::c."""
    if "{" not in tree:
        return [tree]
    open_at = tree.index("{")
    prefix, inner = tree[:open_at], tree[open_at + 1 : tree.rindex("}")]
    items, depth, current = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            items.append(current)
            current = ""
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        current += ch
    items.append(current)
    out = []
    for item in filter(None, items):
        for leaf in leaves(item):
            out.append(prefix.rstrip(":") if leaf == "self" else prefix + leaf)
    return out


def use_paths(code, pattern=USE):
    """(path, name it is known by) for every leaf of every use item."""
    out = []
    for m in pattern.finditer(code):
        tree = re.sub(r"\s+as\s+(\w+)", r"@\1", m.group(1))
        for leaf in leaves(re.sub(r"\s+", "", tree)):
            path, _, alias = leaf.partition("@")
            out.append((path, alias or path.split("::")[-1]))
    return out


def absolute(path, here):
    """A `crate::`/`super::`/`self::` path as a tuple from the crate root."""
    parts = path.split("::")
    if parts[0] == "crate":
        return tuple(parts[1:])
    base = list(here)
    while parts and parts[0] in ("super", "self"):
        if parts[0] == "super":
            base = base[:-1]
        parts = parts[1:]
    return tuple(base + parts)


def deepest(full, found):
    for n in range(len(full), -1, -1):
        if full[:n] in found:
            return full[:n]
    return None


def target(full, found, reexported):
    """The module file a path ends in, following re-exports."""
    module = deepest(full, found)
    for _ in range(8):
        rest = full[len(module) :] if module is not None else ()
        if module is None or not rest or rest[0] not in reexported.get(module, {}):
            break
        source = reexported[module][rest[0]]
        if not re.match(r"^(crate|super|self)(::|$)", source):
            source = "self::" + source
        full = absolute(source, module) + rest[1:]
        following = deepest(full, found)
        if following == module:
            break
        module = following
    return module


def graph(src):
    found = modules(src)
    codes = {m: code_of(p) for m, p in found.items() if p is not None}
    reexported = {
        m: {name: path for path, name in use_paths(code, PUB_USE)} for m, code in codes.items()
    }
    edges = defaultdict(set)
    for module, code in codes.items():
        paths = {path for path, _ in use_paths(code)} | set(PATH.findall(code))
        without_declarations = CHILD.sub("", code)
        for child in CHILD.findall(code):
            if re.search(rf"(?<![\w:]){child}::", without_declarations):
                paths.add("self::" + child)
        for path in paths:
            path = path.replace("::*", "")
            if not re.match(r"^(crate|super|self)(::|$)", path):
                continue
            to = target(absolute(path, module), found, reexported)
            if to is not None and to != module:
                edges[module].add(to)
    return found, edges


def cycles(nodes, edges):
    """Strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    sys.setrecursionlimit(10_000)

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(component)

    for v in nodes:
        if v not in index:
            visit(v)
    return out


def upward(edges):
    """Uses of a feature listed above the user's own in `LAYERS`."""
    out = []
    for module, targets in edges.items():
        for base, order in LAYERS.items():
            depth = len(base)
            if module[:depth] != base or len(module) <= depth or module[depth] not in order:
                continue
            for to in targets:
                if to[:depth] == base and len(to) > depth and to[depth] in order:
                    if order.index(to[depth]) > order.index(module[depth]):
                        out.append((module, to))
    return sorted(out)


def name(module):
    return "::".join(module) or "(crate root)"


def main(roots):
    count = 0
    for src in roots:
        found, edges = graph(src)
        for component in cycles(sorted(found), edges):
            count += 1
            members = set(component)
            print(f"{src}: import cycle between {len(component)} files: "
                  + ", ".join(sorted(map(name, component))))
            for module in sorted(component):
                for to in sorted(edges[module] & members):
                    print(f"    {name(module)} -> {name(to)}")
        for module, to in upward(edges):
            count += 1
            print(f"{src}: {name(module)} uses {name(to)}, a feature above its own")
    if count:
        print(f"{count} import cycle(s) or upward uses")
        return 1
    print("no import cycles and no upward uses in " + ", ".join(roots))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["shared/src", "app/src", "server/src"]))
