#!/usr/bin/env python3
"""The longest C++ functions under the given directories (issue 21: none over 80 lines).

Prints the ten longest (or --top N) as "LINES  FILE:LINE  NAME" and exits 1 when one is
longer than --max (default 80) and not exempted below, 0 otherwise. A function's length runs
from the first line of its signature to its closing brace. Lambdas and local classes count
toward the function that holds them.

It reads the code as text (comments, strings and preprocessor lines blanked out, braces
matched), so it needs no compiler and runs in a second; a macro that hides braces can fool it.
"""
import argparse
import pathlib
import re
import sys

# Functions allowed to be longer, by name, with the reason. Keep it short.
EXEMPT = {
}

SUFFIXES = {".cpp", ".cc", ".cxx", ".h", ".hpp"}
CONTROL = {"if", "for", "while", "switch", "catch", "do", "else", "try", "return", "sizeof", "decltype"}


def blank_out(text):
    """The text with comments, string and char literals and preprocessor lines replaced by
    spaces (newlines kept, so line numbers stay)."""
    out = []
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and c == "#":
            # A preprocessor line, with its continuations.
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out.append(" \n")
                    i += 2
                    continue
                out.append(" ")
                i += 1
            continue
        if c == "\n":
            out.append(c)
            line_start = True
            i += 1
            continue
        if c not in " \t":
            line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                out.append(" ")
                i += 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:end]))
            i = end
            continue
        raw = re.match(r'(?:u8|u|U|L)?R"([^(\s]{0,16})\(', text[i:i + 24])
        if raw and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            close = ")" + raw.group(1) + '"'
            end = text.find(close, i + raw.end())
            end = n if end < 0 else end + len(close)
            out.append('""' + "".join(ch if ch == "\n" else " " for ch in text[i + 2:end]))
            i = end
            continue
        if c in "\"'":
            # A char literal after a digit is a digit separator (1'000).
            if c == "'" and i > 0 and text[i - 1].isalnum() and text[i - 1] not in "uUL8":
                out.append(" ")
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + c)
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def parameter_list_start(signature):
    """Index of the "(" that opens the parameter list, or -1."""
    for m in re.finditer(r"\(", signature):
        before = signature[:m.start()].rstrip()
        if before.endswith("operator"):
            continue  # operator() : the next "(" opens the parameters
        if re.search(r"[A-Za-z_~][\w:<>,\s~]*$|operator\s*\S+\s*$|\)\s*$", before):
            return m.start()
        return -1
    return -1


def matching(text, start, open_ch="(", close_ch=")"):
    depth = 0
    for k in range(start, len(text)):
        if text[k] == open_ch:
            depth += 1
        elif text[k] == close_ch:
            depth -= 1
            if depth == 0:
                return k
    return -1


def function_name(signature):
    """The function's name when `signature` (the text before a "{") declares one, else None."""
    sig = re.sub(r"^\s*template\s*<.*?>\s*(?=[A-Za-z_~\[])", "", signature, flags=re.S)
    flat = " ".join(sig.split())
    if not flat or re.match(r"(namespace|extern|class|struct|union|enum)\b", flat):
        return None
    if re.search(r"\b(class|struct|union|enum)\b[^()]*$", flat) and "(" not in flat:
        return None
    start = parameter_list_start(flat)
    if start < 0:
        return None
    head = flat[:start].rstrip()
    if "=" in re.sub(r"operator\s*\S*=", "", head) or head.endswith("]"):
        return None  # an initializer or a lambda
    name = re.search(r"(operator\s*(?:\(\)|[^\s(]+)|~?[A-Za-z_]\w*(?:\s*<[^()]*>)?)$", head)
    if not name:
        return None
    word = name.group(1)
    if word in CONTROL:
        return None
    close = matching(flat, start)
    if close < 0:
        return None
    tail = flat[close + 1:].strip()
    # After the parameters: qualifiers, a trailing return type, or a constructor's initializers.
    if tail and not re.match(r"(const|volatile|noexcept|override|final|mutable|->|:|&|requires|try|\[\[)", tail):
        return None
    qualified = re.search(r"((?:[A-Za-z_]\w*(?:<[^()]*>)?::)*)" + re.escape(word) + r"$", head)
    return (qualified.group(1) if qualified else "") + word


def functions(path):
    text = blank_out(path.read_text(encoding="utf-8", errors="replace"))
    # Each open brace: ("scope", class name or "") or ("function", name, line) or ("other",).
    stack = []
    segment_start = 0
    line_of = [0] * (len(text) + 1)
    line = 1
    for k, ch in enumerate(text):
        line_of[k] = line
        if ch == "\n":
            line += 1
    line_of[len(text)] = line
    for k, ch in enumerate(text):
        if ch == "{":
            if any(frame[0] == "function" for frame in stack):
                stack.append(("other",))
            else:
                signature = text[segment_start:k]
                name = function_name(signature)
                if name:
                    first = segment_start + (len(signature) - len(signature.lstrip()))
                    owners = [frame[1] for frame in stack if frame[0] == "scope" and frame[1]]
                    if owners and "::" not in name:
                        name = "::".join(owners) + "::" + name
                    stack.append(("function", name, line_of[first]))
                else:
                    kind = re.search(r"\b(?:class|struct|union)\s+(?:\[\[.*?\]\]\s*)?(\w+)[^;{]*$", signature)
                    stack.append(("scope", kind.group(1) if kind else ""))
            segment_start = k + 1
        elif ch == "}":
            if stack:
                frame = stack.pop()
                if frame[0] == "function":
                    yield frame[1], frame[2], line_of[k] - frame[2] + 1
            segment_start = k + 1
        elif ch == ";" or (ch == ":" and re.search(r"\b(public|private|protected)\s*$", text[segment_start:k])):
            if not any(frame[0] == "function" for frame in stack):
                segment_start = k + 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+", help="directories (or files) to read")
    parser.add_argument("--max", type=int, default=80, help="longest allowed (lines)")
    parser.add_argument("--top", type=int, default=10, help="how many to print")
    args = parser.parse_args()
    found = []
    for d in args.dirs:
        root = pathlib.Path(d)
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.suffix in SUFFIXES)
        for path in files:
            for name, first, length in functions(path):
                found.append((length, str(path), first, name))
    found.sort(key=lambda f: (-f[0], f[1], f[2]))
    for length, path, first, name in found[:args.top]:
        note = f"  (exempt: {EXEMPT[name]})" if name in EXEMPT else ""
        print(f"{length:5d}  {path}:{first}  {name}{note}")
    over = [f for f in found if f[0] > args.max and f[3] not in EXEMPT]
    print(f"{len(found)} functions, {len(over)} over {args.max} lines")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
