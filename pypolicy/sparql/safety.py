"""What a SPARQL query may do, decided before any engine sees it.

Refused (unless the caller passes ``allow_remote``): ``SERVICE`` (a federated query
over HTTP), and ``FROM`` / ``FROM NAMED`` with any IRI (rdflib resolves them by
fetching the IRI, ``file:`` included). Always refused: every SPARQL Update request
(``LOAD``, ``INSERT``, ``DELETE``, ``CLEAR``, ``DROP``, ``CREATE``, ``ADD``, ``MOVE``,
``COPY``), since querying only reads.

Why the parsed query and not the engine: rdflib runs ``SERVICE`` over HTTP whatever
``SPARQL_LOAD_GRAPHS`` says, and Oxigraph runs it from native code that Python audit
hooks never see. So the query is parsed with rdflib's SPARQL parser and its parse tree
is walked for those constructs; as a second, engine-independent layer, a small lexer
refuses the bare keywords anywhere outside strings, IRIs and comments, so a construct
one parser reads differently from another is still caught. The lexer reads the text
as the engines do: codepoint escapes (``\\u0045``) decoded first, comments ending at a
line feed or a carriage return.

A third wall does not depend on reading the query at all: the engines run in a worker
process that cannot open a network connection (:mod:`pypolicy.sparql.worker`, which
also bounds its time and memory).
"""

from __future__ import annotations

import bisect
import contextlib
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from pypolicy.core.errors import ConfigError, QueryError, UnsafeInputError
from pypolicy.sparql.terminal import one_line

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query
    from rdflib.term import Identifier

QueryKind = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]

STANDARD_PREFIXES: Final[Mapping[str, str]] = {
    "pp": "https://w3id.org/pypolicy/ns#",
    "ppj": "https://w3id.org/pypolicy/jurisdictions#",
    "doc": "https://w3id.org/pypolicy/doc/",
    "loc": "https://w3id.org/dpv/loc#",
    "dpv": "https://w3id.org/dpv#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
}
"""Prefixes a query may use without declaring them (pack queries declare their own)."""

_UPDATE_KEYWORDS: Final = frozenset({"LOAD", "INSERT", "DELETE", "CLEAR", "DROP", "CREATE",
                                     "ADD", "MOVE", "COPY", "WITH", "USING"})


# ------------------------------------------------------------------------------ lexer


@dataclass(frozen=True)
class Token:
    kind: Literal["word", "var", "iri", "string", "punct", "other"]
    text: str
    offset: int


_LEXER = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<word>(?:[\w\-.:%\\\u00B7]|\\.)+)
  | (?P<punct>[{}()\[\];,])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def decode_codepoints(text: str) -> tuple[str, Callable[[int], int]]:
    """The text with its ``\\uHHHH`` / ``\\UHHHHHHHH`` escapes decoded, as SPARQL
    engines decode them before parsing (so ``SERVIC\\u0045`` is ``SERVICE``), and a
    function from an offset in the decoded text to the offset in ``text``."""
    if "\\u" not in text and "\\U" not in text:
        return text, lambda offset: offset
    pieces: list[str] = []
    decoded_starts: list[int] = [0]  # where each piece starts, in the decoded text
    original_starts: list[int] = [0]  # and in the original
    position = length = 0
    for match in _CODEPOINT.finditer(text):
        code = int(match[1] or match[2], 16)
        if code > 0x10FFFF:
            continue  # not a character: the engines refuse the query
        pieces.append(text[position:match.start()])
        length += match.start() - position
        decoded_starts.append(length)
        original_starts.append(match.start())
        pieces.append(chr(code))
        length += 1
        position = match.end()
        decoded_starts.append(length)
        original_starts.append(position)
    pieces.append(text[position:])

    def original(offset: int) -> int:
        index = bisect.bisect_right(decoded_starts, offset) - 1
        start = decoded_starts[index]
        if index % 2 == 1:  # inside a decoded escape: its first character
            return original_starts[index]
        return original_starts[index] + offset - start

    return "".join(pieces), original


def tokens(text: str) -> Iterator[Token]:
    """The tokens of a SPARQL text, without whitespace and comments; offsets in ``text``.

    Enough of the SPARQL grammar to tell keywords from the same letters inside strings,
    IRIs, comments, variables and prefixed names; not a parser. Codepoint escapes are
    decoded first, as the engines decode them; a comment ends at a line feed or a
    carriage return, as it does for Oxigraph.
    """
    decoded, original = decode_codepoints(text)
    for token in _raw_tokens(decoded):
        yield Token(token.kind, token.text, original(token.offset))


def _raw_tokens(text: str) -> Iterator[Token]:
    for match in _LEXER.finditer(text):
        kind = match.lastgroup
        if kind in ("space", "comment") or kind is None:
            continue
        value = match.group()
        if kind == "word" and value.endswith("."):
            # A prefixed name cannot end in '.': that dot ends a triple.
            stripped = value.rstrip(".")
            if stripped:
                yield Token("word", stripped, match.start())
            yield Token("other", ".", match.start() + len(stripped))
            continue
        yield Token(kind, value, match.start())  # type: ignore[arg-type]


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset (lines end at CR LF, CR or LF, as
    in SPARQL)."""
    line, start = 1, 0
    for match in _LINE_BREAK.finditer(text, 0, offset):
        line, start = line + 1, match.end()
    return line, offset - start + 1


def _keyword_tokens(text: str, names: frozenset[str]) -> Iterator[Token]:
    for token in tokens(text):
        if token.kind == "word" and token.text.upper() in names:
            yield token


# ------------------------------------------------------------------------------ check


@dataclass(frozen=True)
class CheckedQuery:
    """A query that parsed and passed the safety check; ``prepared`` is rdflib's form."""

    text: str
    source: str
    kind: QueryKind
    prefixes: Mapping[str, str]
    variables: frozenset[str]
    prepared: Query
    allow_remote: bool = False


def _where(source: str, text: str, offset: int | None) -> str:
    if offset is None:
        return source
    line, column = line_column(text, offset)
    return f"{source}:{line}:{column}"


def _unsafe(message: str, source: str, text: str, offset: int | None) -> UnsafeInputError:
    if offset is None:
        return UnsafeInputError(message, path=source)
    line, column = line_column(text, offset)
    return UnsafeInputError(message + _excerpt(text, offset), path=source, line=line,
                            column=column)


EXCERPT_WIDTH: Final = 100


def _excerpt(text: str, offset: int) -> str:
    """The line with the place marked; a long line is cut to a window around the place,
    and control characters are shown as escapes (the query text is untrusted)."""
    line, column = line_column(text, offset)
    lines = _LINE_BREAK.split(text)
    content = lines[line - 1] if line <= len(lines) else ""
    start = max(0, column - 1 - EXCERPT_WIDTH // 2)
    before = one_line(content[start:column - 1])
    after = one_line(content[column - 1:column - 1 + EXCERPT_WIDTH // 2])
    lead = "..." if start else ""
    tail = "..." if column - 1 + EXCERPT_WIDTH // 2 < len(content) else ""
    return f"\n    {lead}{before}{after}{tail}\n    {' ' * (len(lead) + len(before))}^"


def _walk(node: Any) -> Iterator[Any]:
    """Every node of an rdflib SPARQL parse tree (CompValue, ParseResults, lists)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        if isinstance(item, CompValue):
            stack.extend(item.values())
        elif isinstance(item, (ParseResults, list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def _syntax_error(exc: Exception, text: str, source: str) -> QueryError:
    loc = getattr(exc, "loc", None)
    message = one_line(getattr(exc, "msg", None) or str(exc))
    if isinstance(loc, int):
        return QueryError(f"{_where(source, text, loc)}: SPARQL syntax error: {message}"
                          f"{_excerpt(text, loc)}")
    return QueryError(f"{source}: SPARQL syntax error: {message}")


def _refuse_update(text: str, source: str) -> None:
    """Raise if the text is a SPARQL Update request (it did not parse as a query)."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:  # not an update either: the caller reports the query syntax error
        return
    first = next(_keyword_tokens(text, _UPDATE_KEYWORDS), None)
    offset = first.offset if first else None
    keyword = first.text.upper() if first else "update"
    raise _unsafe(f"{keyword} is a SPARQL Update operation; pypolicy query only reads and"
                  " refuses updates", source, text, offset)


# rdflib's SPARQL grammar recurses once per triple pattern of a group, some ten Python
# frames a pattern, so at Python's default limit (1,000 frames) a group of about 90
# patterns failed as a "syntax error". Since Python 3.11 a call from Python to Python
# takes no C stack, so a higher limit risks no crash: 20,000 frames take about 1,600
# patterns in one group (measured on 3.11: 40,000 frames parsed 3,200 on an 8 MiB stack).
PARSER_FRAMES: Final = 20_000


@contextlib.contextmanager
def parser_depth(frames: int = PARSER_FRAMES) -> Iterator[None]:
    """Python's recursion limit raised to ``frames`` (never lowered) for a parse."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, frames))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _too_deep(source: str) -> QueryError:
    return QueryError(f"{source}: the query nests too deeply, or has too many triple patterns"
                      f" in one group (more than about {PARSER_FRAMES // 12:,}), for the SPARQL"
                      " parser; split it into groups ({ ... } { ... }) or shorten it")


def check_query(text: str, source: str = "<query>", *, allow_remote: bool = False,
                prefixes: Mapping[str, str] = STANDARD_PREFIXES) -> CheckedQuery:
    """Parse ``text`` and refuse what it must not do; raise QueryError/UnsafeInputError.

    ``source`` names the query in messages (a file name, or ``--query``).
    """
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    source = one_line(source)  # a file name is untrusted too: it goes into every message
    try:
        with parser_depth():
            tree = parseQuery(text)
    except RecursionError:
        raise _too_deep(source) from None
    except Exception as exc:
        _refuse_update(text, source)
        raise _syntax_error(exc, text, source) from None
    if not allow_remote:
        _refuse_remote(tree, text, source)
    try:
        with parser_depth():
            prepared = translateQuery(tree, initNs=dict(prefixes))
    except RecursionError:
        raise _too_deep(source) from None
    except Exception as exc:  # rdflib raises plain Exception for an unknown prefix
        unknown = re.search(r"Unknown namespace prefix : (\S*)", str(exc))
        if unknown:
            name = unknown[1] + ":"
            token = next((t for t in tokens(text) if t.kind == "word"
                          and t.text.startswith(name)), None)
            offset = token.offset if token else None
            raise QueryError(f"{_where(source, text, offset)}: unknown prefix {name} (declare"
                             f" it with PREFIX {name} <...>)"
                             f"{_excerpt(text, offset) if offset is not None else ''}"
                             ) from None
        raise QueryError(f"{source}: cannot use the query: {exc}") from None
    name = str(prepared.algebra.name)
    kinds: dict[str, QueryKind] = {"SelectQuery": "SELECT", "AskQuery": "ASK",
                                   "ConstructQuery": "CONSTRUCT",
                                   "DescribeQuery": "DESCRIBE"}
    if name not in kinds:  # pragma: no cover - parseQuery accepts only these four
        raise QueryError(f"{source}: unsupported query form {name}")
    declared = dict(prefixes)
    for item in tree[0]:
        if getattr(item, "name", None) == "PrefixDecl":
            declared[str(item["prefix"] or "")] = str(item["iri"])
    variables = frozenset(t.text[1:] for t in tokens(text) if t.kind == "var")
    return CheckedQuery(text, source, kinds[name], declared, variables, prepared, allow_remote)


_HINT: Final = " (pass --allow-remote to permit it)"


def _refuse_remote(tree: Any, text: str, source: str) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue

    # FROM and FROM NAMED come first in a query, in the order written, as do their
    # keywords: the first clause is the one at the first FROM.
    # (CompValue.get returns the key itself for a missing key: test membership.)
    body = tree[1] if len(tree) > 1 else {}
    clauses = list(body["datasetClause"]) if "datasetClause" in body else []
    if clauses:
        clause = clauses[0]
        named = "named" in clause
        iri = clause["named"] if named else clause["default"]
        token = next(_keyword_tokens(text, frozenset({"FROM"})), None)
        kind = "FROM NAMED" if named else "FROM"
        raise _unsafe(f"{kind} <{one_line(str(iri))}> is refused: it makes the query engine"
                      " read that IRI (a file or a web resource); the corpus already holds"
                      f" every graph{_HINT}", source, text, token.offset if token else None)
    if any(isinstance(node, CompValue) and node.name == "ServiceGraphPattern"
           for node in _walk(tree)):
        token = next(_keyword_tokens(text, frozenset({"SERVICE"})), None)
        target = _service_target(text, token) if token else "SERVICE"
        raise _unsafe(f"{target} is refused: it makes the query engine fetch data over the"
                      f" network{_HINT}", source, text, token.offset if token else None)
    refuse_remote_keywords(text, source)


def _service_target(text: str, service: Token) -> str:
    """``SERVICE <iri>`` (or ``SERVICE SILENT ?var``) as written after the keyword."""
    words = ["SERVICE"]
    for token in tokens(text[service.offset:]):
        if token.offset == 0:
            continue
        words.append(token.text.upper() if token.text.upper() == "SILENT" else token.text)
        if token.text.upper() != "SILENT":
            break
    return one_line(" ".join(words))


def refuse_remote_keywords(text: str, source: str) -> None:
    """The lexical layer: refuse the bare keywords SERVICE and FROM anywhere in the text
    outside strings, IRIs and comments, wherever a parser might read them differently.

    The text is read twice, with its codepoint escapes decoded (as the engines read it)
    and as written, so that no reading of an escape hides a keyword.
    """
    names = frozenset({"SERVICE", "FROM"})
    found = [t for t in (next(_keyword_tokens(text, names), None),
                         next((t for t in _raw_tokens(text)
                               if t.kind == "word" and t.text.upper() in names), None))
             if t is not None]
    if found:
        token = min(found, key=lambda t: t.offset)
        raise _unsafe(f"{token.text.upper()} is refused{_HINT}", source, text, token.offset)


# ------------------------------------------------------------------------------ VALUES


def _matching_brace(toks: Sequence[Token], start: int) -> int:
    depth = 0
    for index in range(start, len(toks)):
        if toks[index].text == "{":
            depth += 1
        elif toks[index].text == "}":
            depth -= 1
            if depth == 0:
                return index
    raise QueryError("unbalanced braces in the query")


def _where_group(query: CheckedQuery) -> tuple[list[Token], int]:
    """The tokens, and the index of the '{' that opens the query's WHERE group."""
    toks = list(tokens(query.text))
    braces = parens = 0
    form_seen = False
    for index, token in enumerate(toks):
        word = token.text.upper() if token.kind == "word" else ""
        if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") and braces == 0:
            form_seen = True
            following = toks[index + 1] if index + 1 < len(toks) else None
            if word == "CONSTRUCT" and following is not None and \
                    following.text.upper() == "WHERE":
                break  # CONSTRUCT WHERE { triples }: no room for VALUES
        if token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
        elif token.text == "{" and braces == 0 and parens == 0 and form_seen:
            previous = toks[index - 1].text.upper() if index else ""
            if query.kind != "CONSTRUCT" or previous == "WHERE":
                return toks, index
        if token.text == "{":
            braces += 1
        elif token.text == "}":
            braces -= 1
    raise ConfigError(f"{query.source}: parameters cannot be bound in this query for a remote"
                      " endpoint: it has no WHERE group (write CONSTRUCT {...} WHERE {...})")


def _literal_text(literal: Any) -> str:
    """A literal in SPARQL syntax, every control character escaped.

    Not rdflib's ``n3()``: that writes long strings with raw tabs and newlines, and
    pyparsing (rdflib's SPARQL parser) expands raw tabs into spaces.
    """
    text = (str(literal).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t").replace("\b", "\\b")
            .replace("\f", "\\f"))
    text = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04X}", text)
    if literal.language:
        return f'"{text}"@{literal.language}'
    if literal.datatype is not None:
        if re.search(r'[<>"{}|^`\\\x00-\x20]', str(literal.datatype)):
            raise ConfigError(f"not a usable datatype IRI: {literal.datatype!r}")
        return f'"{text}"^^<{literal.datatype}>'
    return f'"{text}"'


def with_values(query: CheckedQuery, bindings: Mapping[str, Identifier]) -> str:
    """The query text with a VALUES block binding ``bindings`` at the start of WHERE.

    For endpoints, which take no bindings beside the text. The values are RDF terms
    serialised by rdflib (IRIs checked, literals escaped), never user text pasted in.
    """
    from rdflib import Literal, URIRef

    if not bindings:
        return query.text
    names = sorted(bindings)
    terms = []
    for name in names:
        term = bindings[name]
        if not re.fullmatch(r"[A-Za-z_][\w]*", name):
            raise ConfigError(f"not a SPARQL variable name: {name!r}")
        if isinstance(term, URIRef):
            if re.search(r'[<>"{}|^`\\\x00-\x20]', str(term)):
                raise ConfigError(f"not a usable IRI: {str(term)!r}")
            terms.append(f"<{term}>")
        elif isinstance(term, Literal):
            terms.append(_literal_text(term))
        else:
            raise ConfigError(f"parameter {name} must be an IRI or a literal")
    block = (f" VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(terms)}) }} ")
    toks, open_index = _where_group(query)
    text = query.text
    after = toks[open_index + 1] if open_index + 1 < len(toks) else None
    insert_at = toks[open_index].offset + 1
    if after is not None and after.kind == "word" and after.text.upper() == "SELECT":
        # WHERE { SELECT ... } holds a sub-select alone: wrap it in a group.
        close = toks[_matching_brace(toks, open_index)].offset
        return (text[:insert_at] + block + "{ " + text[insert_at:close] + " }"
                + text[close:])
    return text[:insert_at] + block + text[insert_at:]
