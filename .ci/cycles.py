#!/usr/bin/env python3
"""Import-cycle check between source files of each crate.

Reads every `.rs` file under a crate's `src/`, maps it to its module path,
collects the module paths it names (`crate::a::b`, `super::c`, `self::d`,
in `use` items and inline paths, outside `#[cfg(test)]` modules), resolves
each to the deepest module file that exists, and fails if the resulting
file graph has a cycle. Containment (`mod child;`) is not an edge.
"""
import os, re, sys
from collections import defaultdict

def module_files(src):
    mods = {}
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith('.rs'):
                continue
            p = os.path.join(root, f)
            rel = os.path.relpath(p, src)[:-3].split(os.sep)
            if rel[-1] in ('mod',):
                rel = rel[:-1]
            if rel in (['lib'], ['main']):
                rel = []
            mods[tuple(rel)] = p
            # a module generated at build time and included (`include!(concat!(
            # env!("OUT_DIR"), "/i18n/mod.rs"))`): a leaf of its own, no file here
            for name in re.findall(r'include!\(concat!\(env!\("OUT_DIR"\),\s*"/(\w+)/mod\.rs"\)\)', open(p, encoding='utf-8').read()):
                mods[tuple(rel) + (name,)] = None
    return mods

def strip_tests(text):
    # drop `#[cfg(test)] mod x { ... }` blocks and comments
    text = re.sub(r'//[^\n]*', '', text)
    # `pub(in crate::a::b)` names where an item is visible, not what it uses
    text = re.sub(r'pub\(in [^)]*\)', 'pub', text)
    out = []
    i = 0
    pat = re.compile(r'#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{')
    while True:
        m = pat.search(text, i)
        if not m:
            out.append(text[i:]); break
        out.append(text[i:m.start()])
        depth = 1; j = m.end()
        while j < len(text) and depth:
            if text[j] == '{': depth += 1
            elif text[j] == '}': depth -= 1
            j += 1
        i = j
    return ''.join(out)

def expand_use_groups(text):
    """Yield full paths from use-trees: `a::{b, c::{d}}` -> a::b, a::c::d."""
    paths = []
    for m in re.finditer(r'\buse\s+([^;]+);', text):
        tree = re.sub(r'\s+', '', re.sub(r'\s+as\s+\w+', '', m.group(1)))
        paths.extend(expand(tree))
    return paths

def expand(tree):
    # split top-level prefix before '{'
    if '{' not in tree:
        return [tree]
    k = tree.index('{')
    prefix = tree[:k]
    inner = tree[k+1:tree.rindex('}')]
    items, depth, cur = [], 0, ''
    for ch in inner:
        if ch == ',' and depth == 0:
            items.append(cur); cur = ''; continue
        if ch == '{': depth += 1
        if ch == '}': depth -= 1
        cur += ch
    if cur: items.append(cur)
    res = []
    for it in items:
        for sub in expand(it):
            res.append(prefix + sub if sub != 'self' else prefix.rstrip(':'))
    return res

PATH_RE = re.compile(r'\b((?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+)')

def resolve(path, here, mods, is_modfile):
    parts = path.split('::')
    if parts[0] == 'crate':
        base = []
        parts = parts[1:]
    else:
        base = list(here)
        # `self` in a file module is the module itself
        while parts and parts[0] in ('super', 'self'):
            if parts[0] == 'super':
                base = base[:-1]
            parts = parts[1:]
    full = base + parts
    for n in range(len(full), -1, -1):
        if tuple(full[:n]) in mods:
            return tuple(full[:n])
    return None

def reexports(mods):
    """`pub use a::b::Item [as Name];` in a module: Name -> full path of Item."""
    out = {}
    for mod, p in mods.items():
        if p is None:
            continue
        text = strip_tests(open(p, encoding='utf-8').read())
        table = {}
        for m in re.finditer(r'\bpub(?:\([^)]*\))?\s+use\s+([^;]+);', text):
            raw = re.sub(r'\s+', ' ', m.group(1))
            for leaf in expand(re.sub(r'\s+', '', re.sub(r'\s+as\s+(\w+)', r'@\1', raw))):
                name = leaf.split('@')[1] if '@' in leaf else leaf.split('::')[-1]
                target = leaf.split('@')[0]
                table[name] = target
        out[mod] = table
    return out

def absolute(path, here):
    parts = path.split('::')
    if parts[0] == 'crate':
        return tuple(parts[1:])
    base = list(here)
    while parts and parts[0] in ('super', 'self'):
        if parts[0] == 'super':
            base = base[:-1]
        parts = parts[1:]
    return tuple(base + parts)

def graph(src):
    mods = module_files(src)
    reex = reexports(mods)
    g = defaultdict(set)
    for mod, p in mods.items():
        if p is None:
            continue
        text = strip_tests(open(p, encoding='utf-8').read())
        paths = set(expand_use_groups(text)) | set(PATH_RE.findall(text))
        # bare paths through a child module declared here (`mod child;` then `child::x`)
        children = set(re.findall(r'^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;', text, re.M))
        for child in children:
            if re.search(rf'(?<![\w:]){child}::', re.sub(r'^\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*;', '', text, flags=re.M)):
                paths.add('self::' + child)
        for path in paths:
            path = path.replace('::*', '')
            if not re.match(r'^(crate|super|self)(::|$)', path):
                continue
            t = resolve(path, mod, mods, p.endswith('mod.rs'))
            # through a re-export to the module that defines the item
            for _ in range(5):
                if t is None:
                    break
                full = absolute(path, mod)
                rest = full[len(t):]
                if not rest or rest[0] not in reex.get(t, {}):
                    break
                target = reex[t][rest[0]]
                path = target if re.match(r'^(crate|super|self)', target) else 'self::' + target
                path = '::'.join(['crate'] + list(absolute(path, t)) + list(rest[1:]))
                mod_for = t
                t2 = resolve(path, t, mods, False)
                if t2 == t:
                    break
                t = t2
            if t is None or t == mod:
                continue
            # a parent naming its child only to declare or re-export is containment
            if t[:len(mod)] == mod and len(t) == len(mod) + 1 and False:
                continue
            g[mod].add(t)
    return mods, g

def sccs(nodes, g):
    index = {}; low = {}; stack = []; on = set(); out = []; c = [0]
    sys.setrecursionlimit(10000)
    def visit(v):
        index[v] = low[v] = c[0]; c[0] += 1; stack.append(v); on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1:
                out.append(comp)
    for v in nodes:
        if v not in index:
            visit(v)
    return out

def main(roots):
    bad = 0
    for src in roots:
        mods, g = graph(src)
        for comp in sccs(list(mods), g):
            bad += 1
            names = sorted('::'.join(m) or '(root)' for m in comp)
            print(f'{src}: import cycle between {len(comp)} files: ' + ', '.join(names))
            # one concrete edge list for the reader
            cs = set(comp)
            for m in sorted(comp):
                for t in sorted(g[m] & cs):
                    print(f'    {"::".join(m) or "(root)"} -> {"::".join(t) or "(root)"}')
    return bad

if __name__ == '__main__':
    roots = sys.argv[1:] or ['shared/src', 'app/src', 'server/src']
    n = main(roots)
    if n:
        print(f'{n} import cycle(s)'); sys.exit(1)
    print('no import cycles')
