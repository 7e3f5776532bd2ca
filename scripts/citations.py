#!/usr/bin/env python3
"""Citations in the code and docs: list them, check that each resolves, and rewrite the old forms.

    python3 scripts/citations.py check      # every citation, grouped; exit 1 if any does not resolve
    python3 scripts/citations.py list       # the same, printing every citation with its location
    python3 scripts/citations.py rewrite    # old forms -> docs in the repository (idempotent)

Forms that resolve (one short form, `<document> §<section>`; see docs/decisions.md and the section maps at the top
of each docs/v2-*.md):

    customers §4.1        docs/v2-customers.md, heading "4.1"
    auth §4               docs/v2-auth.md
    listing §3            docs/v2-listing.md
    errors §2             docs/v2-errors.md
    products-orders §4.2  docs/v2-products-orders.md (also "products-orders §6 Q3": row Q3 of its §6 table)
    decisions #9b         docs/decisions.md, row "9b"
    docs/X.md [§N]        a file in the repository (and its heading N)
    RFC 9112 §6.1         a public standard (listed, not fetched)

Lists continue a citation: "customers §4–§9, §10, §11.4", "auth §2, §6–8", "decisions #23/#24", "#1, #2".
Unresolved: the old forms `spec §N`, `doc §N`, `DECISIONS #N`, `STYLE rule N` (documents outside the repository), a section or
decision a document does not have, and a `§` that belongs to no citation.

`rewrite` maps the old forms with the tables below (the section maps of the docs, as data). In Sources it touches
comment lines only; in Tests, docs and schema.sql any line. Run it again after other branches merge.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = {
    "customers": "docs/v2-customers.md",
    "auth": "docs/v2-auth.md",
    "listing": "docs/v2-listing.md",
    "errors": "docs/v2-errors.md",
    "products-orders": "docs/v2-products-orders.md",
}
DECISIONS_DOC = "docs/decisions.md"

# Old `spec §` sections that moved out of docs/v2-customers.md (every other section keeps its number there).
SPEC_MOVED = {
    "2": ("docs/v2-auth.md", None),
    "6.3": ("listing", "2"),
    "6.4": ("listing", "3"),
    "11": ("docs/v2-errors.md", None),
    "11.1": ("errors", "1"),
    "11.2": ("errors", "2"),
    "11.3": ("errors", "4"),
    "13": ("docs/decisions.md", None),
}

# Bare `§` the rewrite cannot attribute by itself (exact text, wherever it is).
FIXUPS = [
    ("realm` left out (§3.4.1.3.1)", "realm` left out (RFC 5849 §3.4.1.3.1)"),
    ("OAuth Core 1.0a, the spec's\n/// §2.4)", "OAuth Core 1.0a, auth §4)\n///"),
    ("(a Python re-implementation of the spec's", "(a Python re-implementation of auth §4's"),
    ("and RFC 5849's (§3.4).", "and RFC 5849 §3.4's."),
    ("(spec §4–§9, §10 validation, §11.4)", "(spec §4–§9, §11.4, §10 validation)"),
    ("are described in the spec (§1, §2, §3, §11) and", "are described in docs/v2-customers.md, docs/v2-auth.md\nand docs/v2-errors.md, and"),
]

SOURCE_GLOBS = ["Sources/**/*.swift", "Sources/**/*.sql", "Tests/**/*.swift", "Tests/**/*.py", "docs/*.md", "README.md",
                "schema.sql"]

SECTION = r"\d+(?:\.\d+)*"
TITLE = r'(?: "[^"\n]+")?'  # a section may carry its title: §0 "Number formatting"
SEPARATOR = r"(?:,\n[ \t]*(?:///?[ \t]*|#[ \t]*)?|, | and | or |/|–|-)"  # a list may go on over a comment line break


def files():
    seen = set()
    for pattern in SOURCE_GLOBS:
        for path in sorted(ROOT.glob(pattern)):
            real = path.resolve()
            if path.is_file() and real not in seen and ".build" not in path.parts:
                seen.add(real)
                yield path


def rel(path):
    return str(path.relative_to(ROOT))


# ---------------------------------------------------------------------------------------------------- documents

_headings = {}


def headings(doc):
    """Section numbers of a markdown file: "## 4. …" gives 4, "### 4.1 …" gives 4.1, "### 11.1–11.3" gives both."""
    if doc not in _headings:
        found = set()
        path = ROOT / doc
        if path.exists():
            for line in path.read_text().splitlines():
                m = re.match(r"#{1,6}\s+(" + SECTION + r")(?:\.|\s|–)(?:(" + SECTION + r")\s)?", line)
                if m:
                    found.add(m.group(1))
                    if m.group(2):
                        found.add(m.group(2))
        _headings[doc] = found
    return _headings[doc]


def decision_rows():
    path = ROOT / DECISIONS_DOC
    rows = set()
    if path.exists():
        for line in path.read_text().splitlines():
            m = re.match(r"\|\s*(\d+[a-z]?)\s*\|", line)
            if m:
                rows.add(m.group(1))
    return rows


def quirk_rows(doc):
    path = ROOT / doc
    return set(re.findall(r"^\|\s*(Q\d+)\s*\|", path.read_text(), re.M)) if path.exists() else set()


# ---------------------------------------------------------------------------------------------------- scanning

NEW_PREFIX = r"(?<![\w-])(?i:customers|auth|listing|errors|products-orders)"
GROUP_SECTIONS = re.compile(
    r"(?P<prefix>" + NEW_PREFIX + r"|(?:docs/)?[\w.-]+\.md(?!\w))(?P<body>(?: §" + SECTION + TITLE + r"(?: Q\d+(?:/Q\d+)*)?(?:"
    + SEPARATOR + r"(?:§" + SECTION + r"|" + SECTION + r")" + TITLE + r"(?: Q\d+(?:/Q\d+)*)?)*)?)")
GROUP_DECISIONS = re.compile(r"(?<![\w-])[Dd]ecisions #(?P<body>\d+[a-z]?(?:" + SEPARATOR + r"#\d+[a-z]?)*)")
RFC = re.compile(r"RFC \d+(?: §" + SECTION + r"(?:" + SEPARATOR + r"§" + SECTION + r")*)?")
OLD = re.compile(r"\b(?:[Ss]pec §|doc §|DECISIONS #)|wc-legacy-v2-spec\.md|\bDECISIONS\.md|\bSTYLE(?:\.md)? rule \d+")


def scan(text, own_doc=None):
    """Yields (offset, citation, problem or None, external) for every citation in `text`; in a markdown document
    (`own_doc`), a bare `§N` cites that document."""
    consumed = []
    for m in RFC.finditer(text):
        consumed.append(m.span())
        yield m.start(), m.group(0), None, True
    for m in GROUP_DECISIONS.finditer(text):
        consumed.append(m.span())
        rows = decision_rows()
        for number in re.findall(r"\d+[a-z]?", m.group("body")):
            yield m.start(), f"decisions #{number}", None if number in rows else f"{DECISIONS_DOC} has no #{number}", False
    for m in GROUP_SECTIONS.finditer(text):
        prefix = m.group("prefix")
        body = m.group("body") or ""
        if prefix.lower() in DOCS:
            doc = DOCS[prefix.lower()]
            if not body:
                continue  # the word alone ("customers") is not a citation
        else:
            if "/" not in prefix and (ROOT / "docs" / prefix).exists():
                doc = f"docs/{prefix}"  # a name as the docs link each other, or as a comment names a doc
            else:
                doc = prefix
        consumed.append(m.span())
        if not (ROOT / doc).exists():
            yield m.start(), m.group(0), f"{doc} is not in the repository", False
            continue
        if not body:
            yield m.start(), doc, None, False
            continue
        for section, quirks in re.findall(r"(" + SECTION + r")((?: Q\d+(?:/Q\d+)*)?)", re.sub(r'"[^"]*"', "", body)):
            cite = f"{prefix} §{section}"
            if section not in headings(doc):
                yield m.start(), cite, f"{doc} has no section {section}", False
                continue
            for quirk in re.findall(r"Q\d+", quirks):
                if quirk not in quirk_rows(doc):
                    yield m.start(), f"{cite} {quirk}", f"{doc} has no row {quirk}", False
            yield m.start(), cite, None, False
    for m in OLD_GROUP.finditer(text):
        consumed.append(m.span())
    for m in OLD.finditer(text):
        consumed.append(m.span())
        yield m.start(), text[m.start():m.end() + 8].split("\n")[0], "old form: the document is not in the repository", False
    for m in re.finditer("§(" + SECTION + r")((?: Q\d+(?:/Q\d+)*)?)|§", text):
        if any(start <= m.start() < end for start, end in consumed):
            continue
        if own_doc and m.group(1):
            # A document's reference to its own section ("see §5.3" in docs/v2-products-orders.md).
            section = m.group(1)
            if section not in headings(own_doc):
                yield m.start(), f"{own_doc} §{section}", f"{own_doc} has no section {section}", False
                continue
            missing = [q for q in re.findall(r"Q\d+", m.group(2) or "") if q not in quirk_rows(own_doc)]
            yield m.start(), f"{own_doc} §{section}", f"no row {missing[0]}" if missing else None, False
            continue
        context = text[max(0, m.start() - 20):m.start() + 12].replace("\n", " ")
        yield m.start(), context, "a § that belongs to no citation", False


def without_code_spans(text):
    """Markdown with `inline code` and fenced blocks blanked (same offsets): quoted forms are not citations."""
    text = re.sub(r"```.*?```", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    return re.sub(r"`[^`\n]*`", lambda m: " " * len(m.group(0)), text)


def citations():
    for path in files():
        text = path.read_text()
        if path.suffix == ".md":
            text = without_code_spans(text)
        own = rel(path) if path.suffix == ".md" else None
        for offset, cite, problem, external in scan(text, own):
            line = text.count("\n", 0, offset) + 1
            yield rel(path), line, cite, problem, external


def check(verbose):
    total = unresolved = external = 0
    by_doc = {}
    for path, line, cite, problem, is_external in citations():
        total += 1
        if is_external:
            external += 1
        if problem:
            key = "unresolved"
        elif is_external:
            key = "public standards (RFC)"
        elif cite.startswith(("decisions", "Decisions")):
            key = DECISIONS_DOC
        else:
            name = cite.split(" §")[0]
            key = DOCS.get(name.lower(), name if "/" in name else f"docs/{name}" if (ROOT / "docs" / name).exists() else name)
        by_doc[key] = by_doc.get(key, 0) + 1
        if problem:
            unresolved += 1
            print(f"{path}:{line}: {cite}: {problem}")
        elif verbose:
            print(f"{path}:{line}: {cite}")
    summary = ", ".join(f"{k} {v}" for k, v in sorted(by_doc.items(), key=lambda kv: -kv[1]))
    print(f"{total} citations: {summary}; {unresolved} unresolved")
    return 1 if unresolved else 0


# ---------------------------------------------------------------------------------------------------- rewriting

OLD_GROUP = re.compile(
    r"(?P<prefix>[Ss]pec|doc) §(?P<body>" + SECTION + TITLE + r"(?:" + SEPARATOR + r"(?:§" + SECTION + r"|(?<=–)" + SECTION
    + r")" + TITLE + r")*)")
OLD_DECISIONS = re.compile(r"DECISIONS #")


def map_spec(section):
    """(document key or path, section or None) for an old `spec §` section."""
    if section in SPEC_MOVED:
        return SPEC_MOVED[section]
    head = section.split(".")[0]
    if head == "2":
        return ("auth", section.split(".", 1)[1])
    if section.startswith("11.4"):
        return ("customers", section)
    if head == "13":
        return ("docs/decisions.md", None)
    return ("customers", section)


def rewrite_group(m):
    prefix, body = m.group("prefix"), m.group("body")
    capital = prefix[0].isupper()
    parts = re.split("(" + SEPARATOR + ")", body)
    out, current, start = [], None, None
    for index, part in enumerate(parts):
        if index % 2 == 1:
            out.append(part)
            continue
        section, title = re.match(r"§?(" + SECTION + r")(.*)", part, re.S).groups()
        doc, new = map_spec(section) if prefix.lower() == "spec" else ("products-orders", section)
        new = new + title if new is not None else None
        if index > 0 and parts[index - 1] == "–" and doc != current and current is not None:
            # A range whose end moved to another document: close it in the first one, then cite the end.
            *head, last = section.split(".")
            before = ".".join(head + [str(int(last) - 1)]) if head and int(last) > 1 else None
            previous = map_spec(before) if before else None
            out[-1] = ", "
            if previous and previous[0] == current and previous[1] != start:
                out[-1] = "–"
                out.append("§" + previous[1])
                out.append(", ")
        start = new if doc != current else start
        if new is None:
            out.append(doc)
            current = None
        elif doc == current:
            out.append(("§" if part.startswith("§") or index == 0 else "") + new)
        else:
            name = doc.capitalize() if capital and not out and doc in DOCS else doc
            out.append(f"{name} §{new}")
            current = doc
    return "".join(out)


def in_comment(text, position, path):
    """Whether `position` lies in a comment: after `//` on its line (Swift), after `--` (SQL)."""
    line = text[text.rfind("\n", 0, position) + 1:position]
    return "--" in line if path.suffix == ".sql" else "//" in line


def starts_sentence(text, position):
    """Whether `position` begins a comment's text or a line of prose (so the citation is capitalized)."""
    line = text[text.rfind("\n", 0, position) + 1:position]
    return line.strip(" \t/#-|*") == ""


def rewrite():
    changed = 0
    for path in files():
        text = path.read_text()
        new = text
        for old, replacement in FIXUPS:
            new = new.replace(old, replacement)
        comment_only = rel(path).startswith("Sources/")  # other branches edit code there: comments only

        def apply(pattern, replacement):
            nonlocal new
            quoted = without_code_spans(new) if path.suffix == ".md" else new  # `spec §N` quoted in prose stays

            def keep(m):
                return (comment_only and not in_comment(new, m.start(), path)) or quoted[m.start()] != new[m.start()]

            new = pattern.sub(lambda m: m.group(0) if keep(m) else replacement(m), new)

        apply(OLD_GROUP, rewrite_group)
        apply(OLD_DECISIONS, lambda m: "Decisions #" if starts_sentence(new, m.start()) else "decisions #")
        if new != text:
            path.write_text(new)
            changed += 1
            print(f"rewrote {rel(path)}")
    print(f"{changed} files rewritten")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "rewrite":
        rewrite()
    elif command in ("check", "list"):
        sys.exit(check(verbose=command == "list"))
    else:
        sys.exit(__doc__)
