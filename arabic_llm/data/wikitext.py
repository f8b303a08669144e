"""Wikitext to plain text: the article prose a reader sees, without references, templates, tables,
files, categories or markup.

Two converters, compared on quality and speed by benchmarks/bench_wikitext.py against the gold set
in tests/data/wikitext_gold.yaml:

- ``mwparserfromhell`` (the default, what `download` uses): a real wikitext parser; the nodes that
  carry no prose are dropped from the tree, then ``strip_code()`` renders the rest. Gold set: 13/13.
- ``wikiextractor``: WikiExtractor's regex cleaner (``Extractor.clean_text``), without template
  expansion. About twice as fast, but 4/13 on the gold set: it drops list items and interwiki link
  labels, appends "." to headings, quotes italics, writes "formula_1" for <math>. AGPL-licensed, so
  never a runtime dependency (it is in the test and bench extras).
"""

from __future__ import annotations

import re
from typing import Callable

DEFAULT_CONVERTER = "mwparserfromhell"

# Tags whose contents are not prose. mwparserfromhell's strip_code() keeps the text inside <ref>.
_DROPPED_TAGS = {"ref", "references", "table", "gallery", "math", "chem", "score", "syntaxhighlight", "source",
                 "timeline", "graph", "mapframe", "maplink", "templatestyles", "imagemap", "categorytree"}
# Links into these namespaces render as media or page metadata, not as text.
_NON_TEXT_NAMESPACES = {"file", "image", "media", "category", "ملف", "صورة", "ميديا", "تصنيف"}


def mwparserfromhell_text(wikitext: str, prepass: bool = True) -> str:
    """Plain text of ``wikitext`` through mwparserfromhell's parse tree.

    ``prepass`` first cuts comments and references out with a regex, as MediaWiki's preprocessor does
    before any other parsing: the same text (bench_wikitext.py compares both), with less to parse.
    """
    import mwparserfromhell

    code = mwparserfromhell.parse(_PREPASS.sub("<!---->", wikitext) if prepass else wikitext)
    for comment in code.filter_comments(recursive=True):
        _drop(code, comment)
    for tag in code.filter_tags(recursive=True):
        name = str(tag.tag).strip().lower()
        if name in _DROPPED_TAGS:
            _drop(code, tag)
        elif name in ("br", "hr"):  # strip_code() drops them, gluing the words on either side
            _drop(code, tag, " ")
    for template in code.filter_templates(recursive=False):
        _drop(code, template)
    for link in code.filter_wikilinks(recursive=False):
        target = str(link.title).strip()
        if target.split(":", 1)[0].strip().lower() in _NON_TEXT_NAMESPACES or _INTERLANGUAGE.match(target):
            _drop(code, link)
    for link in code.filter_external_links(recursive=False):
        if link.brackets and not link.title:  # rendered as a footnote-like number: [1]
            _drop(code, link)
    text = code.strip_code(normalize=True, collapse=True)
    text = _DROPPED_BEFORE_PUNCTUATION.sub("", text).replace(_DROPPED, "")
    text = _QUOTES.sub("", _BEHAVIOUR_SWITCH.sub("", text))
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line and not line.startswith(("{|", "|", "!")))


_ATTRIBUTES = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
# A comment runs to "-->" or, unclosed, to the end of the page; a <ref> to its first </ref> (refs
# do not nest). Each becomes an empty comment, which the parse tree then drops like other nodes.
_PREPASS = re.compile(rf"<!--.*?(?:-->|\Z)|<ref\b{_ATTRIBUTES}?/>|<ref\b{_ATTRIBUTES}>.*?</ref\s*>",
                      re.DOTALL | re.IGNORECASE)


# A dropped node leaves this mark (XML text never holds U+0000), so that the space before a
# reference or template that ends a sentence goes with it: "نص <ref>..</ref>." -> "نص."
_DROPPED = "\x00"
_DROPPED_BEFORE_PUNCTUATION = re.compile(r"[ \t]*\x00[\x00 \t]*(?=[.,،؛:;!?؟)\]»])")
# [[en:Nile]] links the article in another language (rendered in the sidebar, not the text);
# [[:en:Nile|..]] with a leading colon is an inline link and keeps its label.
_INTERLANGUAGE = re.compile(r"^(?:[a-z]{2,3}(?:-[a-z]+)*|simple):", re.IGNORECASE)
_BEHAVIOUR_SWITCH = re.compile(r"__[A-Z]+__|__[\u0621-\u064a_]+__")  # __TOC__, __NOTOC__, __لا_فهرس__
_QUOTES = re.compile(r"'{2,}")  # bold or italic left open: MediaWiki closes it at the end of the line


def _drop(code, node, replacement: str = _DROPPED) -> None:
    from mwparserfromhell.nodes import Text

    try:
        code.replace(node, Text(replacement))  # a node: a string would be parsed, and parsing drops U+0000
    except ValueError:  # already dropped with a parent node
        pass


def wikiextractor_text(wikitext: str) -> str:
    """Plain text of ``wikitext`` through WikiExtractor's cleaner (templates dropped, not expanded)."""
    import html

    from wikiextractor.extract import Extractor

    # The cleaner expects the text as the dump's XML holds it (<, >, & escaped), as WikiExtractor.py reads it.
    extractor = Extractor(0, 0, "", "", [])
    paragraphs = extractor.clean_text(html.escape(wikitext, quote=False), expand_templates=False, html_safe=False)
    lines = [line.strip() for paragraph in paragraphs for line in paragraph.splitlines()]
    return "\n".join(line for line in lines if line)


CONVERTERS: dict[str, Callable[[str], str]] = {
    "mwparserfromhell": mwparserfromhell_text,
    "wikiextractor": wikiextractor_text,
}


def wikitext_to_text(wikitext: str, converter: str = DEFAULT_CONVERTER) -> str:
    """Plain text of an article's wikitext with the named converter (one of ``CONVERTERS``)."""
    try:
        convert = CONVERTERS[converter]
    except KeyError:
        raise ValueError(f"unknown wikitext converter {converter!r}; one of {', '.join(CONVERTERS)}") from None
    return convert(wikitext)
