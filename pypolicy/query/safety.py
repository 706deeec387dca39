"""What a SPARQL query may do, decided before any engine sees it, and how long it may run.

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
one parser reads differently from another is still caught.

Time limit: :func:`call_with_time_limit` runs the work in a child *process* and kills
it when the limit passes. A thread cannot be stopped: rdflib's evaluator, a runaway
regular expression (C code holding the GIL) or Oxigraph's native evaluator would go on
running, and could keep the interpreter from exiting. A process is killed outright and
its memory returned. On POSIX the child is forked (cheap; the command has loaded
nothing heavy yet); elsewhere it is spawned.
"""

from __future__ import annotations

import multiprocessing
import re
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from pypolicy.core.errors import ConfigError, PypolicyError, QueryError, UnsafeInputError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

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
  | (?P<comment>\#[^\n]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<word>(?:[\w\-.:%\\\u00B7]|\\.)+)
  | (?P<punct>[{}()\[\];,])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


def tokens(text: str) -> Iterator[Token]:
    """The tokens of a SPARQL text, without whitespace and comments.

    Enough of the SPARQL grammar to tell keywords from the same letters inside strings,
    IRIs, comments, variables and prefixed names; not a parser.
    """
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


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


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


def _excerpt(text: str, offset: int) -> str:
    line, column = line_column(text, offset)
    content = text.splitlines()[line - 1] if text.splitlines() else ""
    return f"\n    {content}\n    {' ' * (column - 1)}^"


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
    message = getattr(exc, "msg", None) or str(exc)
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


def check_query(text: str, source: str = "<query>", *, allow_remote: bool = False,
                prefixes: Mapping[str, str] = STANDARD_PREFIXES) -> CheckedQuery:
    """Parse ``text`` and refuse what it must not do; raise QueryError/UnsafeInputError.

    ``source`` names the query in messages (a file name, or ``--query``).
    """
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
    except Exception as exc:
        _refuse_update(text, source)
        raise _syntax_error(exc, text, source) from None
    if not allow_remote:
        _refuse_remote(tree, text, source)
    try:
        prepared = translateQuery(tree, initNs=dict(prefixes))
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


def _refuse_remote(tree: Any, text: str, source: str) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue

    hint = " (pass --allow-remote to permit it)"
    for node in _walk(tree):
        if not isinstance(node, CompValue):
            continue
        if node.name == "ServiceGraphPattern":
            token = next(_keyword_tokens(text, frozenset({"SERVICE"})), None)
            raise _unsafe(f"SERVICE <{node.get('term')}> is refused: it makes the query engine"
                          f" fetch data over the network{hint}", source, text,
                          token.offset if token else None)
        if node.name == "DatasetClause":
            iri = node.get("default") or node.get("named")
            token = next(_keyword_tokens(text, frozenset({"FROM"})), None)
            kind = "FROM NAMED" if node.get("named") is not None else "FROM"
            raise _unsafe(f"{kind} <{iri}> is refused: it makes the query engine read that IRI"
                          f" (a file or a web resource); the corpus already holds every"
                          f" graph{hint}", source, text, token.offset if token else None)
    refuse_remote_keywords(text, source)


def refuse_remote_keywords(text: str, source: str) -> None:
    """The lexical layer: refuse the bare keywords SERVICE and FROM anywhere in the text
    outside strings, IRIs and comments, wherever a parser might read them differently."""
    token = next(_keyword_tokens(text, frozenset({"SERVICE", "FROM"})), None)
    if token is not None:
        raise _unsafe(f"{token.text.upper()} is refused (pass --allow-remote to permit it)",
                      source, text, token.offset)


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


# ------------------------------------------------------------------------------ time limit


class QueryTimeoutError(QueryError):
    """The query ran past its time limit and was stopped."""


_Message = tuple[str, Any]


def _child_main(connection: Connection, function: Callable[..., Any],
                args: tuple[Any, ...]) -> None:
    def started() -> None:
        connection.send(("started", None))

    try:
        value = function(*args, started)
    except ConfigError as exc:
        connection.send(("config-error", str(exc)))
    except PypolicyError as exc:
        connection.send(("error", str(exc)))
    except MemoryError:
        connection.send(("error", "out of memory"))
    except BaseException:  # a bug: hand the traceback to the parent to show
        connection.send(("crash", traceback.format_exc()))
    else:
        connection.send(("ok", value))
    finally:
        connection.close()


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def call_with_time_limit(function: Callable[..., Any], args: tuple[Any, ...],
                         limit: float | None) -> Any:
    """Run ``function(*args, started)`` in a child process and return its result.

    ``function`` calls ``started()`` when the timed part begins (after loading the
    corpus, say); from then on the child has ``limit`` seconds, and is killed after
    them (QueryTimeoutError). The result must be picklable. PypolicyErrors raised in the
    child are raised again here with the same message. ``limit`` None: no limit.
    """
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(sender, function, args), daemon=True)
    process.start()
    sender.close()
    try:
        timed = False
        while True:
            wait = limit if timed else None
            if not receiver.poll(wait):
                raise QueryTimeoutError(
                    f"the query did not finish within {limit:g} s and was stopped; raise"
                    " --timeout, or narrow the query")
            try:
                kind, value = receiver.recv()
            except EOFError:
                process.join(5)
                raise QueryError(f"the query process ended unexpectedly (exit code "
                                 f"{process.exitcode})") from None
            if kind == "started":
                timed = True
                continue
            if kind == "ok":
                return value
            if kind == "config-error":
                raise ConfigError(value)
            if kind == "error":
                raise QueryError(value)
            raise RuntimeError(f"the query process failed:\n{value}")
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
