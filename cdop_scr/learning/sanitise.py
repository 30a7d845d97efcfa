"""The one HTML policy for learning summaries: paragraphs, lists, emphasis and links.

`clean()` runs on every save (in the service) and again on every display (the `learning_html`
template filter), so stored text and shown text pass the same allow-list. `as_markup()` is the
only place a summary becomes `Markup`, and only ever from `clean()`'s output.
"""

import html
import re
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markupsafe import Markup

TAGS = frozenset({"p", "br", "ul", "ol", "li", "em", "strong", "i", "b", "a"})
ATTRIBUTES = {"a": ["href", "rel"]}
PROTOCOLS = frozenset({"http", "https", "mailto"})
# A residual-check highlight adds <mark> for the approver only; never stored.
HIGHLIGHT_TAGS = TAGS | {"mark"}
REL = "noopener noreferrer"

# Script and style bodies are code, not text: drop them whole before bleach strips the tags.
_CODE_RE = re.compile(r"<(script|style)\b.*?(?:</\1\s*>|$)", re.I | re.S)


def _existing_links_only(attrs, new=False):
    """Keep authored links with rel set; never turn bare text into a link."""
    if new or (None, "href") not in attrs:
        return None  # a link whose address bleach removed (javascript:) gives way to its text
    attrs[(None, "rel")] = REL
    return attrs


def _cleaner(tags, attributes):
    return bleach.sanitizer.Cleaner(
        tags=tags, attributes=attributes, protocols=PROTOCOLS, strip=True, strip_comments=True,
        filters=[partial(LinkifyFilter, callbacks=[_existing_links_only], parse_email=False)])


_CLEANER = _cleaner(TAGS, ATTRIBUTES)
_HIGHLIGHT_CLEANER = _cleaner(HIGHLIGHT_TAGS, {**ATTRIBUTES, "mark": ["class"]})


def clean(fragment, highlight=False):
    """`fragment` reduced to the allow-list: other tags stripped, unsafe links unlinked."""
    fragment = _CODE_RE.sub("", fragment or "")
    cleaner = _HIGHLIGHT_CLEANER if highlight else _CLEANER
    return cleaner.clean(fragment).strip()


def as_markup(fragment, highlight=False):
    """The single `Markup` of a summary: always made from `clean()`'s output."""
    return Markup(clean(fragment, highlight=highlight))  # noqa: S704  # nosec B704: sanitised just now


def from_plain_text(text):
    """Plain record text as HTML paragraphs: escaped, one <p> per blank-line-separated block."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text or "") if b.strip()]
    return "".join(f"<p>{html.escape(' '.join(b.split()), quote=False)}</p>" for b in blocks)


def as_plain_text(fragment):
    """The text of a cleaned fragment, one line per paragraph or list item (for DOCX export)."""
    blocks = []
    for block in re.split(r"</(?:p|li)>|<br\s*/?>", fragment or "", flags=re.I):
        text = html.unescape(re.sub(r"<[^>]+>", "", block)).strip()
        if text:
            blocks.append(text)
    return blocks
