#!/usr/bin/env python3
"""Prints the dependency graph of docdesk's CMake targets and checks it against the layering.

The layering is the one ../shared/DESIGN.md sets out ("Layout and dependency direction"):

    app -> capture -> core,  app -> platform,  capture -> platform

core never links wx nor anything of platform, capture or app; platform implements core's ports
(docdesk::core_ports) and sees nothing else of core. Inside core each module links only the
modules its purpose needs (CORE_MODULES below, one line per module, taken from the module list
in DESIGN.md and the paragraph at the top of each module's CMakeLists.txt), and the heavy
libraries stay where DESIGN.md puts them: libcurl in the gateway, ZXing in barcode, Tesseract
in the OCR engine, wx in the GUI; the filing plan (rules) is pure values and reaches no image,
PDF, database or network library at all.

The graph comes from `cmake --graphviz` run on a fresh configuration of the source tree (tests
off, so only the product's targets), read as text; Graphviz itself is not needed.

    tests/tools/target_layering.py [--source DIR] [--gui ON|OFF] [--cmake PATH] [--dot FILE]

Exit status 0 when every edge is allowed, 1 with one line per forbidden edge, 2 on a usage or
configuration error. --self-test checks that the checker reports forbidden edges (no CMake run).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

# Which layer each docdesk target belongs to. A docdesk target missing here is reported: a new
# target has to be placed in the layering before it can be built.
LAYER_OF = {
    "docdesk_core": "core",
    "docdesk_core_ports": "core",
    "docdesk_common": "core",
    "docdesk_model": "core",
    "docdesk_ocr_text": "core",
    "docdesk_journal": "core",
    "docdesk_imaging": "core",
    "docdesk_barcode": "core",
    "docdesk_rules": "core",
    "docdesk_export": "core",
    "docdesk_vault": "core",
    "docdesk_gateway": "core",
    "docdesk_pipeline": "core",
    "docdesk_ocr": "core",
    "docdesk_platform": "platform",
    "docdesk_capture": "capture",
    "docdesk-videoio": "capture",
    "docdesk-imgcodecs": "core",
    # branch start: poppler and qpdf in a plugin core loads on the first PDF (PdfPlugin.h).
    "docdesk-pdf": "core",
    "docdesk_app_common": "app",
    "docdesk": "app",
    "docdesk-cli": "app",
    "docdesk-worker": "app",
    "docdesk-scan-worker": "app",
    # branch speed: Tesseract for docdesk-worker, loaded on its first OCR request.
    "docdesk-ocr": "app",
    # Build settings, not code: anyone may use them.
    "docdesk_compile_options": "build",
    # The wx interface target: what the GUI links.
    "docdesk_wx": "wx",
    # Test helpers (only with DOCDESK_BUILD_TESTS / DOCDESK_FUZZ): they may use anything.
    "docdesk_test_support": "tests",
    "docdesk_paper_scenes": "tests",
    "docdesk_office_pages": "tests",
    "docdesk_gateway_test_support": "tests",
    "docdesk_keyring_test_support": "tests",
    "docdesk_profile_cli_test_support": "tests",
    "docdesk_fuzz_core": "tests",
}
UNCHECKED_LAYERS = ("build", "wx", "tests")

# Which layers a layer may link (DESIGN.md: app -> capture -> core, app -> platform,
# capture -> platform; platform implements core's ports only, see PLATFORM_MAY_USE).
LAYER_MAY_USE = {
    "app": {"app", "capture", "core", "platform", "build", "wx"},
    "capture": {"capture", "core", "platform", "build"},
    "platform": {"platform", "core", "build"},
    "core": {"core", "build"},
}
PLATFORM_MAY_USE = {"docdesk_core_ports"}

# Inside core: the modules each module may link directly (besides the build settings). A module
# is allowed what the modules it links are allowed, so the layering is the transitive closure.
CORE_MODULES = {
    "docdesk_core_ports": set(),
    "docdesk_common": set(),
    "docdesk_model": {"docdesk_common"},
    "docdesk_ocr_text": {"docdesk_common", "docdesk_model"},
    "docdesk_journal": {"docdesk_common", "docdesk_model", "docdesk_core_ports"},
    "docdesk_imaging": {"docdesk_common", "docdesk_model"},
    "docdesk_barcode": {"docdesk_common", "docdesk_model"},
    "docdesk_rules": {"docdesk_common", "docdesk_model", "docdesk_ocr_text", "docdesk_core_ports"},
    "docdesk_export": {"docdesk_common", "docdesk_model", "docdesk_imaging", "docdesk_ocr_text",
                       "docdesk_core_ports"},
    "docdesk_vault": {"docdesk_common", "docdesk_core_ports"},
    "docdesk_gateway": {"docdesk_common", "docdesk_vault", "docdesk_journal", "docdesk_core_ports"},
    "docdesk_pipeline": {"docdesk_common", "docdesk_model", "docdesk_ocr_text", "docdesk_journal",
                         "docdesk_imaging", "docdesk_barcode", "docdesk_rules", "docdesk_export",
                         "docdesk_vault", "docdesk_gateway", "docdesk_core_ports"},
    # The Tesseract engine (docdesk-worker only).
    "docdesk_ocr": {"docdesk_common", "docdesk_model", "docdesk_ocr_text", "docdesk_imaging"},
    # The sum of the modules, for programs and tests.
    "docdesk_core": {"docdesk_common", "docdesk_model", "docdesk_ocr_text", "docdesk_journal",
                     "docdesk_imaging", "docdesk_barcode", "docdesk_rules", "docdesk_export",
                     "docdesk_vault", "docdesk_gateway", "docdesk_pipeline", "docdesk_core_ports"},
}

# Outside libraries by kind: a node whose name matches the pattern is of that kind.
LIBRARY_KINDS = {
    "OpenCV": r"^opencv_",
    "libcurl": r"curl",
    "poppler": r"poppler",
    "qpdf": r"qpdf",
    "libharu": r"^hpdf$|libhpdf",
    "libtiff": r"TIFF|libtiff",
    "ZXing": r"ZXing",
    "SQLite": r"SQLite|sqlite",
    "Tesseract": r"TESSERACT|tesseract|lept",
    "wx": r"^docdesk_wx$|wx_|wxWidgets",
    "SANE": r"SANE|libsane",
}
# The kinds each docdesk target may reach, directly or through what it links. Targets not
# listed may reach any kind; every core module is listed, so a new heavy dependency in core
# has to be placed here on purpose.
NO_HEAVY = set()
MAY_REACH = {
    "docdesk_core_ports": NO_HEAVY,
    "docdesk_common": NO_HEAVY,
    "docdesk_model": NO_HEAVY,
    "docdesk_ocr_text": NO_HEAVY,
    "docdesk_rules": NO_HEAVY,
    "docdesk_vault": NO_HEAVY,
    "docdesk_journal": {"SQLite"},
    # libtiff (with libjpeg-turbo and libpng) decodes pages directly: core/imaging/ImageCodecs.h
    "docdesk_imaging": {"OpenCV", "libtiff"},
    "docdesk_barcode": {"OpenCV", "ZXing"},
    "docdesk_export": {"OpenCV", "libharu", "libtiff"},
    "docdesk_gateway": {"SQLite", "libcurl"},
    "docdesk_pipeline": {"OpenCV", "poppler", "qpdf", "libharu", "libtiff", "ZXing", "SQLite", "libcurl"},
    # Tesseract's pkg-config file lists libcurl (Tesseract can fetch images by URL; docdesk
    # never asks it to, and the engine runs in docdesk-worker only).
    "docdesk_ocr": {"OpenCV", "poppler", "qpdf", "libtiff", "Tesseract", "libcurl"},
    "docdesk_core": {"OpenCV", "poppler", "qpdf", "libharu", "libtiff", "ZXing", "SQLite", "libcurl"},
    "docdesk_platform": NO_HEAVY,
    # OpenCV's camera I/O in a plugin of its own, loaded only when a camera is opened.
    "docdesk-videoio": {"OpenCV"},
    # OpenCV's imgcodecs for BMP and WebP in a plugin, loaded on the first such page.
    "docdesk-imgcodecs": {"OpenCV"},
    # poppler and qpdf in a plugin, loaded on the first PDF read or written.
    "docdesk-pdf": {"OpenCV", "poppler", "qpdf"},
    "docdesk_capture": {"OpenCV", "poppler", "qpdf", "libharu", "libtiff", "ZXing", "SQLite", "libcurl",
                        "SANE"},
}


class Graph:
    """Targets (by real name, aliases noted) and their direct link edges."""

    def __init__(self):
        self.names = {}  # node id -> target name
        self.aliases = {}  # target name -> alias (docdesk::rules)
        self.shapes = {}  # target name -> graphviz shape (egg = executable)
        self.edges = {}  # target name -> set of target names

    def add(self, name, alias=None, shape=None):
        self.edges.setdefault(name, set())
        if alias:
            self.aliases[name] = alias
        if shape:
            self.shapes[name] = shape

    def link(self, source, target):
        self.add(source)
        self.add(target)
        self.edges[source].add(target)

    def shown(self, name):
        return self.aliases.get(name, name)

    def reachable(self, start):
        """Everything `start` links, directly or through libraries (executables end a path)."""
        seen, todo = set(), [start]
        while todo:
            for nxt in self.edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    if self.shapes.get(nxt) != "egg":
                        todo.append(nxt)
        return seen


NODE = re.compile(r'^\s*"(node\d+)"\s*\[\s*label\s*=\s*"([^"]*)"(?:,\s*shape\s*=\s*(\w+))?')
EDGE = re.compile(r'^\s*"(node\d+)"\s*->\s*"(node\d+)"')


def parse_dot(text):
    graph = Graph()
    ids = {}
    for line in text.splitlines():
        m = NODE.match(line)
        if m:
            label = m.group(2).split("\\n")
            name = label[0]
            alias = label[1].strip("()") if len(label) > 1 else None
            ids[m.group(1)] = name
            graph.add(name, alias, m.group(3))
            continue
        m = EDGE.match(line)
        if m and m.group(1) in ids and m.group(2) in ids:
            graph.link(ids[m.group(1)], ids[m.group(2)])
    return graph


def kind_of(name):
    for kind, pattern in LIBRARY_KINDS.items():
        if re.search(pattern, name, re.IGNORECASE):
            return kind
    return None


def is_docdesk(name):
    return name.startswith("docdesk")


def check(graph):
    """The forbidden edges of `graph`, one readable line each."""
    problems = []
    for source in sorted(graph.edges):
        if not is_docdesk(source) or LAYER_OF.get(source) in UNCHECKED_LAYERS:
            continue
        layer = LAYER_OF.get(source)
        if layer is None:
            problems.append(f"{graph.shown(source)}: not in the layering (add it to LAYER_OF in {sys.argv[0]})")
            continue
        for target in sorted(graph.edges[source]):
            if not is_docdesk(target):
                continue
            target_layer = LAYER_OF.get(target)
            if target_layer is None:
                problems.append(f"{graph.shown(source)} -> {graph.shown(target)}: "
                                f"{graph.shown(target)} is not in the layering")
            elif target_layer not in LAYER_MAY_USE[layer]:
                problems.append(f"{graph.shown(source)} -> {graph.shown(target)}: {layer} must not use "
                                f"{target_layer} (DESIGN.md: app -> capture -> core, app -> platform, "
                                f"capture -> platform)")
            elif layer == "platform" and target_layer == "core" and target not in PLATFORM_MAY_USE:
                problems.append(f"{graph.shown(source)} -> {graph.shown(target)}: platform implements "
                                f"core's ports and uses nothing else of core")
            elif layer == "core" and target_layer == "core" and target not in CORE_MODULES.get(source, set()):
                problems.append(f"{graph.shown(source)} -> {graph.shown(target)}: not a module "
                                f"{graph.shown(source)} may link (CORE_MODULES)")
        if source in MAY_REACH or layer in ("core", "platform", "capture"):
            allowed = MAY_REACH.get(source, NO_HEAVY)
            for reached in sorted(graph.reachable(source)):
                kind = kind_of(reached)
                if kind and kind not in allowed:
                    problems.append(f"{graph.shown(source)} reaches {reached} ({kind}), which it must not "
                                    f"link, not even through another target")
    return problems


def describe(graph):
    """The product's targets, each with what it links (docdesk targets first)."""
    lines = []
    for source in sorted(graph.edges, key=lambda n: (LAYER_OF.get(n, "~"), n)):
        if source not in LAYER_OF or LAYER_OF[source] in UNCHECKED_LAYERS:
            continue
        own = sorted(graph.shown(t) for t in graph.edges[source] if is_docdesk(t) and t != "docdesk_compile_options")
        outside = sorted({kind_of(t) or t for t in graph.edges[source] if not is_docdesk(t)})
        reached = sorted({kind_of(t) for t in graph.reachable(source) if kind_of(t)})
        lines.append(f"[{LAYER_OF[source]}] {graph.shown(source)} -> {', '.join(own) or '(nothing of docdesk)'}"
                     + (f"  | {', '.join(outside)}" if outside else "")
                     + f"  (reaches: {', '.join(reached) or 'no heavy library'})")
    return lines


def configure_graph(source, gui, cmake):
    with tempfile.TemporaryDirectory(prefix="docdesk-layering-") as build:
        # Only the main graph file, not one file per target.
        with open(os.path.join(build, "CMakeGraphVizOptions.cmake"), "w") as options:
            options.write("set(GRAPHVIZ_GENERATE_PER_TARGET FALSE)\nset(GRAPHVIZ_GENERATE_DEPENDERS FALSE)\n")
        dot = os.path.join(build, "targets.dot")
        result = subprocess.run([cmake, "-S", source, "-B", build, "-DDOCDESK_BUILD_TESTS=OFF",
                                 f"-DDOCDESK_BUILD_GUI={gui}", f"--graphviz={dot}"],
                                capture_output=True, text=True, timeout=600)
        if result.returncode != 0 or not os.path.exists(dot):
            sys.stderr.write(result.stdout + result.stderr)
            raise SystemExit(f"cmake could not configure {source} (exit {result.returncode})")
        with open(dot) as f:
            return f.read()


def self_test():
    """The checker finds each kind of forbidden edge in a small made-up graph, and none in a good one."""
    def graph_of(edges):
        g = Graph()
        for a, b in edges:
            g.add(a, shape="egg" if a.startswith("docdesk-") else "octagon")
            g.add(b, shape="egg" if b.startswith("docdesk-") else "octagon")
            g.link(a, b)
        return g

    good = [("docdesk_rules", "docdesk_model"), ("docdesk_model", "docdesk_common"),
            ("docdesk_imaging", "opencv_core"), ("docdesk-cli", "docdesk_capture"),
            ("docdesk_capture", "docdesk_platform"), ("docdesk_platform", "docdesk_core_ports")]
    bad = {
        "rules reaching OpenCV through model": [("docdesk_rules", "docdesk_model"), ("docdesk_model", "opencv_core")],
        "rules linking curl": [("docdesk_rules", "CURL::libcurl")],
        "core linking platform": [("docdesk_journal", "docdesk_platform")],
        "core linking capture": [("docdesk_pipeline", "docdesk_capture")],
        "capture linking app": [("docdesk_capture", "docdesk_app_common")],
        "platform linking a core module": [("docdesk_platform", "docdesk_journal")],
        "export linking pipeline": [("docdesk_export", "docdesk_pipeline")],
        "core linking wx": [("docdesk_imaging", "docdesk_wx")],
        "an unplaced docdesk target": [("docdesk_newthing", "docdesk_common")],
    }
    failures = []
    if check(graph_of(good)):
        failures.append(f"a good graph was rejected: {check(graph_of(good))}")
    for what, edges in bad.items():
        if not check(graph_of(good + edges)):
            failures.append(f"not reported: {what}")
    for f in failures:
        print(f"self-test: {f}", file=sys.stderr)
    print(f"self-test: {len(bad)} forbidden graphs reported, the good one accepted" if not failures
          else "self-test failed")
    return not failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--source", default=os.path.normpath(os.path.join(here, "..", "..")))
    parser.add_argument("--gui", default="ON", choices=["ON", "OFF"])
    parser.add_argument("--cmake", default="cmake")
    parser.add_argument("--dot", help="read this graphviz file instead of configuring the tree")
    parser.add_argument("--self-test", action="store_true", help="only check the checker")
    args = parser.parse_args()

    if not self_test():
        return 1
    if args.self_test:
        return 0
    if args.dot:
        with open(args.dot) as f:
            text = f.read()
    else:
        text = configure_graph(args.source, args.gui, args.cmake)
    graph = parse_dot(text)
    if "docdesk_rules" not in graph.edges:
        print("the graph holds no docdesk_rules target: not docdesk's graph?", file=sys.stderr)
        return 2
    print("docdesk's targets and what each links (outside libraries after |):")
    for line in describe(graph):
        print("  " + line)
    problems = check(graph)
    for p in problems:
        print(f"FORBIDDEN: {p}")
    print(f"{len(problems)} forbidden edge(s)" if problems else "the graph follows the layering")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
