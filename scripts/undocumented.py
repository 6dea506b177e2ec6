#!/usr/bin/env python3
"""Lists public and package declarations that have no `///` doc comment, per target.

    scripts/undocumented.py                      # summary of every target under Sources/
    scripts/undocumented.py Engine Storage       # only these targets
    scripts/undocumented.py --list Engine        # also each undocumented declaration, file:line
    scripts/undocumented.py --exclude Sources/Runtime/Shuffle Runtime
    scripts/undocumented.py --check Engine       # exit 1 if Engine has an undocumented declaration

A declaration counts when its effective access is public/open or package: an explicit
modifier inside types that are at least as visible, a member of a `public extension`, an
enum case of a public enum, a requirement of a public protocol. Extensions themselves are
not counted (DocC does not show them as symbols). A declaration is documented when the
line before it (attributes such as `@inlinable` skipped) is a `///` line or ends a `/** */`
block. It reads the source text only: no build needed, so it is quick enough for CI.
"""

import argparse
import os
import re
import sys

LEVEL = {"private": 0, "fileprivate": 1, "internal": 2, "package": 3, "public": 4, "open": 4}
DECL_KEYWORDS = {
    "func", "init", "var", "let", "class", "struct", "enum", "protocol", "typealias",
    "subscript", "case", "actor", "associatedtype", "extension", "macro", "deinit", "operator",
    "precedencegroup",
}
TYPE_KEYWORDS = {"class", "struct", "enum", "protocol", "actor", "extension"}
MODIFIERS = {
    "static", "final", "override", "mutating", "nonmutating", "lazy", "weak", "unowned",
    "convenience", "required", "dynamic", "nonisolated", "indirect", "optional", "borrowing",
    "consuming", "distributed", "isolated", "prefix", "postfix", "infix", "unsafe",
}


def strip_code(text):
    """Returns text with comments and string contents replaced by spaces (newlines kept),
    so that braces can be counted."""
    out = []
    i, n = 0, len(text)
    # Stack of contexts: ("code", paren_depth) inside interpolation, or ("str", delimiter).
    stack = [("code", 0)]
    while i < n:
        kind, info = stack[-1]
        c = text[i]
        if kind == "code":
            if text.startswith("//", i):
                j = text.find("\n", i)
                j = n if j < 0 else j
                out.append(" " * (j - i))
                i = j
                continue
            if text.startswith("/*", i):
                depth, j = 1, i + 2
                while j < n and depth:
                    if text.startswith("/*", j):
                        depth, j = depth + 1, j + 2
                    elif text.startswith("*/", j):
                        depth, j = depth - 1, j + 2
                    else:
                        j += 1
                out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
                i = j
                continue
            m = re.match(r'(#*)("""|")', text[i:i + 8])
            if m and (m.group(1) == "" or c == "#"):
                delim = m.group(2) + m.group(1)
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
                stack.append(("str", delim))
                continue
            if c == "(" and len(stack) > 1:
                stack[-1] = ("code", info + 1)
            elif c == ")" and len(stack) > 1:
                if info == 0:
                    stack.pop()  # end of an interpolation
                    out.append(" ")
                    i += 1
                    continue
                stack[-1] = ("code", info - 1)
            out.append(c)
            i += 1
        else:  # inside a string
            delim = info
            hashes = delim.lstrip('"')
            if c == "\\" and text.startswith("\\" + hashes + "(", i):
                out.append(" " * (len(hashes) + 2))
                i += len(hashes) + 2
                stack.append(("code", 0))
                continue
            if c == "\\" and not hashes:
                out.append("  " if i + 1 < n and text[i + 1] != "\n" else " ")
                i += 2 if i + 1 < n and text[i + 1] != "\n" else 1
                continue
            if text.startswith(delim, i):
                out.append(" " * len(delim))
                i += len(delim)
                stack.pop()
                continue
            out.append("\n" if c == "\n" else " ")
            i += 1
    return "".join(out)


class Scope:
    def __init__(self, kind, ceiling, default, name=None):
        self.kind = kind        # "file", "type", "enum", "protocol", "extension", "body"
        self.ceiling = ceiling  # highest access a member can have
        self.default = default  # access of a member without a modifier
        self.name = name


ATTR_RE = re.compile(r"@[A-Za-z_][A-Za-z0-9_.]*")


def skip_attributes(s):
    """Removes leading attributes (with balanced parenthesised arguments) from s."""
    while True:
        s = s.lstrip()
        m = ATTR_RE.match(s)
        if not m:
            return s
        j = m.end()
        if j < len(s) and s[j] == "(":
            depth = 0
            while j < len(s):
                if s[j] == "(":
                    depth += 1
                elif s[j] == ")":
                    depth -= 1
                    if depth == 0:
                        j += 1
                        break
                j += 1
        s = s[j:]


def parse_decl(code_line):
    """(keyword, explicit access or None, name) when the line starts a declaration."""
    s = skip_attributes(code_line)
    if not s:
        return None
    access = None
    tokens = re.findall(r"[A-Za-z_][A-Za-z0-9_]*(?:\([a-z]+\))?|\S", s)
    k = 0
    while k < len(tokens):
        t = tokens[k]
        base = t.split("(")[0]
        if base in LEVEL:
            if "(set)" not in t:
                access = base
            k += 1
            continue
        if base == "class" and k + 1 < len(tokens) and tokens[k + 1] in DECL_KEYWORDS | MODIFIERS | set(LEVEL):
            k += 1
            continue
        if base in MODIFIERS:
            k += 1
            continue
        if t.startswith("@"):
            k += 1
            continue
        break
    if k >= len(tokens) or tokens[k] not in DECL_KEYWORDS:
        return None
    kw = tokens[k]
    name = tokens[k + 1] if k + 1 < len(tokens) else ""
    return kw, access, name


def is_documented(lines, idx):
    j = idx - 1
    while j >= 0:
        t = lines[j].strip()
        if t.startswith("@") or t.startswith(")"):  # attribute lines, or a multi-line attribute's end
            j -= 1
            continue
        return t.startswith("///") or t.endswith("*/") and "/**" in "".join(lines[max(0, j - 200):j + 1])
    return False


def collect_type_access(paths):
    """Name -> access of every type declared at file level in these files (for extensions)."""
    result = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in strip_code(f.read()).split("\n"):
                if line[:1].isspace():
                    continue
                d = parse_decl(line)
                if d and d[0] in TYPE_KEYWORDS - {"extension"}:
                    result[d[2]] = LEVEL[d[1] or "internal"]
    return result


def scan_file(path, type_access):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = text.split("\n")
    code = strip_code(text).split("\n")
    stack = [Scope("file", LEVEL["public"], LEVEL["internal"])]
    pending = None
    found = []  # (line number, level, documented, text)
    for idx, line in enumerate(code):
        top = stack[-1]
        if top.kind != "body":
            d = parse_decl(line)
            if d:
                kw, access, name = d
                own = LEVEL[access] if access else top.default
                if kw == "case" and top.kind != "enum":
                    d = None  # a `case` label in a switch at type level cannot happen; be safe
                if d and kw == "extension":
                    base = name.split(".")[-1]
                    ceiling = min(top.ceiling, type_access.get(base, LEVEL["public"]))
                    pending = Scope("extension", ceiling, min(ceiling, LEVEL[access]) if access else LEVEL["internal"])
                elif d:
                    effective = min(own, top.ceiling)
                    if top.kind == "protocol" or (top.kind == "enum" and kw == "case"):
                        effective = top.ceiling
                    if effective >= LEVEL["package"] and kw != "deinit":
                        found.append((idx + 1, effective, is_documented(lines, idx), lines[idx].strip()))
                    if kw in TYPE_KEYWORDS:
                        kind = "enum" if kw == "enum" else "protocol" if kw == "protocol" else "type"
                        default = effective if kind == "protocol" else min(effective, LEVEL["internal"])
                        pending = Scope(kind, effective, default, name)
                    else:
                        pending = Scope("body", 0, 0)
        for c in line:
            if c == "{":
                stack.append(pending if pending else Scope("body", 0, 0))
                pending = None
            elif c == "}":
                if len(stack) > 1:
                    stack.pop()
    return found


def target_of(path):
    parts = path.split(os.sep)
    return parts[parts.index("Sources") + 1] if "Sources" in parts else parts[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("targets", nargs="*", help="targets under Sources/ (default: all)")
    ap.add_argument("--list", action="store_true", help="print each undocumented declaration")
    ap.add_argument("--exclude", action="append", default=[], metavar="PATH",
                    help="skip files under this path (repeatable)")
    ap.add_argument("--check", action="append", default=[], metavar="TARGET",
                    help="exit 1 if this target has an undocumented declaration (repeatable)")
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    args = ap.parse_args()

    sources = os.path.join(os.path.normpath(args.root), "Sources")
    targets = args.targets or sorted(
        t for t in os.listdir(sources) if os.path.isdir(os.path.join(sources, t)))
    excludes = [os.path.normpath(os.path.join(args.root, e)) for e in args.exclude]
    failed = False
    print(f"{'target':<14}{'public':>8}{'undoc':>7}{'package':>9}{'undoc':>7}{'documented':>12}")
    for target in targets + [t for t in args.check if t not in targets]:
        files = []
        for dirpath, _, names in os.walk(os.path.join(sources, target)):
            for nm in sorted(names):
                p = os.path.normpath(os.path.join(dirpath, nm))
                if nm.endswith(".swift") and not any(p == e or p.startswith(e + os.sep) for e in excludes):
                    files.append(p)
        files.sort()
        type_access = collect_type_access(files)
        pub = pub_undoc = pkg = pkg_undoc = 0
        missing = []
        for p in files:
            for lineno, level, documented, text in scan_file(p, type_access):
                if level >= LEVEL["public"]:
                    pub += 1
                    pub_undoc += not documented
                else:
                    pkg += 1
                    pkg_undoc += not documented
                if not documented:
                    missing.append(f"{os.path.relpath(p, args.root)}:{lineno}: {text}")
        total = pub + pkg
        pct = 100.0 * (total - pub_undoc - pkg_undoc) / total if total else 100.0
        if target in targets:
            print(f"{target:<14}{pub:>8}{pub_undoc:>7}{pkg:>9}{pkg_undoc:>7}{pct:>11.1f}%")
            if args.list:
                for m in missing:
                    print("  " + m)
        if target in args.check and missing:
            failed = True
    if failed:
        print("undocumented declarations in: " + ", ".join(args.check), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
