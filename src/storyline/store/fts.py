"""Full-text queries in SQLite FTS5 syntax, translated for PostgreSQL's ``to_tsquery``.

The CLI and the API take FTS5 queries whatever the store. The subset translated (the rest is refused
with a message that names it):

===========================  ==========================  =====================================
FTS5                         tsquery                     meaning
===========================  ==========================  =====================================
``strike pay``               ``'strike' & 'pay'``        both words (implicit AND)
``strike AND pay``           ``'strike' & 'pay'``        both words
``strike OR walkout``        ``'strike' | 'walkout'``    either word
``strike NOT pay``           ``'strike' & !'pay'``       the first without the second
``"harbour strike"``         ``'harbour strike'``        the words next to each other (``<->``)
``strik*``                   ``'strik':*``               a word beginning so
``title:strike``             ``'strike':A``              in the title (``text:``: in the text)
``( … )``                    ``( … )``                   grouping
``NEAR(a b, N)``             ``'a' & 'b'``               both words (anywhere, not within N)
===========================  ==========================  =====================================

Precedence is FTS5's: NOT binds tighter than AND, AND tighter than OR. Words are stemmed by the
``storyline`` text search configuration (English snowball, stop words kept), as FTS5's porter
tokenizer stems them.
"""

from __future__ import annotations

import re

from ..errors import StorylineError

_TOKEN = re.compile(r'\s*(?:(?P<phrase>"(?:[^"]|"")*")|(?P<word>[\w\x1a]+)|(?P<op>[()*:,+])|(?P<bad>\S))', re.UNICODE)
_WEIGHTS = {"title": "A", "text": "B"}


def _tokens(query: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(query):
        m = _TOKEN.match(query, pos)
        if m is None:  # only blanks are left
            break
        pos = m.end()
        kind = m.lastgroup or "bad"
        value = m.group(kind)
        if kind == "bad":
            if value == '"':
                raise StorylineError(f"search {query!r}: unterminated string")
            raise StorylineError(f"search {query!r}: syntax error near {value!r}")
        out.append((kind, value))
    return out


class _Parser:
    def __init__(self, query: str):
        self.query = query
        self.tokens = _tokens(query)
        self.pos = 0

    def error(self, what: str) -> StorylineError:
        return StorylineError(f"search {self.query!r}: {what}")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> str:
        if not self.tokens:
            raise self.error("empty query")
        out = self.or_expr()
        if self.peek() is not None:
            raise self.error(f"syntax error near {self.peek()[1]!r}")  # type: ignore[index]
        return out

    def or_expr(self) -> str:
        parts = [self.and_expr()]
        while self.peek() == ("word", "OR"):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"

    def and_expr(self) -> str:
        parts = [self.not_expr()]
        while True:
            token = self.peek()
            if token == ("word", "AND"):
                self.take()
            elif token is None or token == ("op", ")") or token == ("word", "OR"):
                break
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"

    def not_expr(self) -> str:
        out = self.primary()
        while self.peek() == ("word", "NOT"):
            self.take()
            out = f"({out} & !{self.primary()})"
        return out

    def primary(self) -> str:
        token = self.peek()
        if token is None:
            raise self.error("the query ends where a word was expected")
        kind, value = token
        if kind == "op" and value == "(":
            self.take()
            inner = self.or_expr()
            if self.peek() != ("op", ")"):
                raise self.error("a '(' is not closed")
            self.take()
            return inner
        if kind == "word" and value in ("AND", "OR", "NOT"):
            raise self.error(f"syntax error near {value!r}")
        if kind == "word" and value == "NEAR" and self.pos + 1 < len(self.tokens) and self.tokens[self.pos + 1] == ("op", "("):
            return self.near()
        if kind == "word" and self.pos + 1 < len(self.tokens) and self.tokens[self.pos + 1] == ("op", ":"):
            if value not in _WEIGHTS:
                raise self.error(f"no such column: {value} (title or text)")
            self.take()
            self.take()
            return self.phrase(_WEIGHTS[value])
        return self.phrase("")

    def near(self) -> str:
        self.take()
        self.take()
        parts = []
        while self.peek() is not None and self.peek() != ("op", ")"):
            if self.peek() == ("op", ","):
                self.take()
                if self.peek() is None or self.peek()[0] != "word" or not self.peek()[1].isdigit():  # type: ignore[index]
                    raise self.error("NEAR(…, N) needs a number after the comma")
                self.take()
                continue
            parts.append(self.phrase(""))
        if self.peek() != ("op", ")"):
            raise self.error("a 'NEAR(' is not closed")
        self.take()
        if not parts:
            raise self.error("NEAR() needs words")
        return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"

    def phrase(self, weight: str) -> str:
        token = self.peek()
        if token is None or token[0] not in ("word", "phrase"):
            raise self.error(f"syntax error near {token[1]!r}" if token else "the query ends where a word was expected")
        kind, value = self.take()
        text = value[1:-1].replace('""', '"') if kind == "phrase" else value
        while self.peek() == ("op", "+"):  # FTS5 joins phrases with '+' into one
            self.take()
            _, more = self.take() if self.peek() is not None else ("", "")
            text += " " + (more[1:-1] if more.startswith('"') else more)
        words = re.findall(r"[\w\x1a]+", text, re.UNICODE)
        prefix = False
        if self.peek() == ("op", "*"):
            self.take()
            prefix = True
        if not words:
            raise self.error("an empty phrase")
        literal = "'" + " ".join(words) + "'"
        suffix = (":*" if prefix else "") + (":" + weight if weight and not prefix else "")
        if prefix and weight:
            suffix = ":*" + weight
        return literal + suffix


def to_tsquery(query: str) -> str:
    """The ``to_tsquery`` text of an FTS5 query; a :class:`StorylineError` naming the problem when it is not one."""
    return _Parser(query).parse()
