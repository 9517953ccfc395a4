"""Text from data shown as text: the app's one Markdown escape.

Streamlit reads Markdown (and its own ``:color[…]``, ``:material/…:`` and ``$…$`` directives) in almost every
text it draws: ``st.markdown``, ``st.caption``, ``st.title``/``st.subheader``, alerts, and the labels of buttons,
metrics and expanders. A unit named ``![x](http://evil/x.png)`` or a link's ``?province=[link](http://evil)``
must show exactly as written there, never load an image or become a link on every viewer's screen. Every text
that carries a name, a code, a file name or anything else not written by us goes through :func:`md_escape`
before it reaches one of those calls (catalogue texts are plain text, so a whole sentence may be escaped).
"""

from __future__ import annotations

import re

#: Every character that starts Markdown, HTML, an entity (``&amp;``), a setext heading (``=``), a Streamlit
#: directive (``:``) or a formula (``$``). CommonMark lets a backslash make any ASCII punctuation literal.
_ACTIVE = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=])")
#: Spaces or tabs opening a line would make it a code block (shown with its backslashes); a page shows them as
#: nothing anyway.
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)


def md_escape(text) -> str:
    """``text`` with every Markdown-active character backslash-escaped, so Markdown shows it literally.

    >>> print(md_escape("![x](http://evil/x.png) **b**"))
    \\!\\[x\\]\\(http\\://evil/x\\.png\\) \\*\\*b\\*\\*
    """
    return _ACTIVE.sub(r"\\\1", _INDENT.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n")))
