#!/usr/bin/env python3
"""Prints the longest functions in core/ and app/ and fails when one is longer than the limit.

    tests/tools/function_lengths.py [--limit 80] [--top 10] [DIR...]

A function's length counts its lines from the first line of its signature to its closing brace,
comments and blank lines included (what a reader has to take in). Lambdas count as part of the
function that holds them. The C++ is read with a small scanner (comments, string and raw string
literals skipped; braces classified by what precedes them), not a compiler, so a macro that
opens a brace could mislead it; docdesk has none.

Exit status 0 when no function is over the limit (EXEMPT aside), 1 otherwise.
"""

import argparse
import os
import re
import sys

# Functions allowed over the limit, by qualified name, each with the reason. Only data tables
# belong here: a list of values read top to bottom, which splitting would only scatter.
EXEMPT = {
    # "docdesk::example::kTable": "a table of values, one per line",
}

SOURCE_EXTENSIONS = (".cpp", ".h", ".hpp", ".cc")


def strip_code(text):
    """`text` with comments and the contents of string and character literals blanked out
    (newlines kept, so line numbers stay right)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif c == "R" and i + 1 < n and text[i + 1] == '"' and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(\s]{0,16})\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = text.find(")" + m.group(1) + '"', i + m.end())
            end = n if end < 0 else end + len(m.group(1)) + 2
            out.append('""' + "".join(ch for ch in text[i:end] if ch == "\n"))
            i = end
        elif c in "\"'":
            # A digit separator (1'000'000) is not a character literal.
            if c == "'" and i > 0 and text[i - 1].isalnum() and i + 1 < n and text[i + 1].isalnum():
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


CLASS_HEAD = re.compile(r"\b(class|struct|union|enum)\b[^()]*$", re.S)
NAMESPACE_HEAD = re.compile(r"\bnamespace\b[^()]*$|\bextern\s*\"\"\s*$", re.S)
NAME_BEFORE_PAREN = re.compile(r"((?:[A-Za-z_~][\w]*|operator\s*[^\s(]+(?:\s*\(\s*\))?)"
                               r"(?:\s*<[^<>]*>)?(?:\s*::\s*~?[A-Za-z_]\w*(?:\s*<[^<>]*>)?"
                               r"|\s*::\s*operator\s*[^\s(]+(?:\s*\(\s*\))?)*)\s*$")


def function_name(head):
    """The (qualified) name of the function whose signature is `head`, or None when `head` does
    not look like one (a control statement, an initialiser)."""
    depth = 0
    for k, ch in enumerate(head):
        if ch == "(":
            if depth == 0:
                before = head[:k]
                m = NAME_BEFORE_PAREN.search(before)
                if not m:
                    return None
                name = re.sub(r"\s+", "", m.group(1))
                if name in ("if", "for", "while", "switch", "catch", "return", "sizeof", "decltype",
                            "alignas", "static_assert", "requires"):
                    return None
                return name
            depth += 1
        elif ch == ")":
            depth -= 1
    return None


def functions_in(path):
    """(qualified name, first line, last line) of each function defined in `path`."""
    with open(path, encoding="utf-8", errors="replace") as f:
        code = strip_code(f.read())
    found = []
    # Each open brace: ("namespace" | "class" | "function" | "block", name, first line).
    stack = []
    scopes = []  # names of the enclosing namespaces and classes
    head_start = 0  # where the text before the next brace starts
    line_of = [0] * (len(code) + 1)
    line = 1
    for k, ch in enumerate(code):
        line_of[k] = line
        if ch == "\n":
            line += 1
    for k, ch in enumerate(code):
        if ch in ";":
            if not stack or stack[-1][0] in ("namespace", "class"):
                head_start = k + 1
        elif ch == "{":
            head = code[head_start:k]
            inside_code = any(kind in ("function", "block") for kind, *_ in stack)
            if inside_code:
                stack.append(("block", None, 0))
            elif NAMESPACE_HEAD.search(head.strip()) or head.strip().endswith('extern ""'):
                m = re.search(r"namespace\s+([\w:]+)", head)
                stack.append(("namespace", m.group(1) if m else "", 0))
                scopes.append(m.group(1) if m else "")
            elif CLASS_HEAD.search(head.strip()) and "=" not in head:
                m = re.search(r"\b(?:class|struct|union|enum(?:\s+class)?)\s+(?:\w+\s+)*?([A-Za-z_]\w*)\s*(?:final\s*)?(?::[^{]*)?$",
                              head.strip(), re.S)
                stack.append(("class", m.group(1) if m else "", 0))
                scopes.append(m.group(1) if m else "")
            else:
                name = function_name(head)
                if name:
                    text_start = len(head) - len(head.lstrip())
                    first = line_of[head_start + text_start]
                    qualified = "::".join([s for s in scopes if s] + [name])
                    stack.append(("function", qualified, first))
                else:
                    stack.append(("block", None, 0))
            head_start = k + 1
        elif ch == "}":
            if not stack:
                head_start = k + 1
                continue
            kind, name, first = stack.pop()
            if kind in ("namespace", "class"):
                scopes.pop()
            if kind == "function":
                found.append((name, first, line_of[k]))
            if not stack or stack[-1][0] in ("namespace", "class"):
                head_start = k + 1
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))
    parser.add_argument("dirs", nargs="*", default=[os.path.join(root, "core"), os.path.join(root, "app")])
    parser.add_argument("--limit", type=int, default=80)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()

    everything = []
    for top in args.dirs:
        for folder, _, files in os.walk(top):
            for name in sorted(files):
                if name.endswith(SOURCE_EXTENSIONS):
                    path = os.path.join(folder, name)
                    for fn, first, last in functions_in(path):
                        everything.append((last - first + 1, os.path.relpath(path, root), first, fn))
    everything.sort(key=lambda f: (-f[0], f[1], f[2]))
    over = [f for f in everything if f[0] > args.limit and f[3] not in EXEMPT]
    print(f"{len(everything)} functions; the {min(args.top, len(everything))} longest:")
    for length, path, first, fn in everything[: args.top]:
        note = f"  (exempt: {EXEMPT[fn]})" if fn in EXEMPT else ""
        print(f"  {length:4d}  {fn}  {path}:{first}{note}")
    if over:
        print(f"{len(over)} function(s) over {args.limit} lines:")
        for length, path, first, fn in over:
            print(f"  {length:4d}  {fn}  {path}:{first}")
        return 1
    print(f"none over {args.limit} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
