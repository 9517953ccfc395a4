"""The one exception type loaders raise for input a user must fix."""

from __future__ import annotations

from pathlib import Path

from i18n import Message, has_key


class LoaderError(Exception):
    """Unusable input, explained in one line that names the file and the problem.

    The message is a catalogue key with parameters (:class:`i18n.Message`), put into words where it is shown:
    the CLI prints ``error.text("en")`` (or its ``--lang``) on stderr and exits 2; the app shows
    ``error.text(lang)``. Only the file's name is shown, never a server path. Never raise it for programming
    errors.

    Parameters
    ----------
    key : str or Message
        A catalogue key (``"stats.no_header"``) or a ready message. Subclasses may set ``namespace`` so their
        short keys (``"too_big"``) mean ``"<namespace>.too_big"``.
    path : str or Path, optional
        The file concerned; its name prefixes the message.
    **params
        Values for the message's placeholders.
    """

    namespace = ""

    def __init__(self, key: str | Message, path: str | Path | None = None, **params):
        if not isinstance(key, Message):
            if self.namespace and "." not in key and has_key(f"{self.namespace}.{key}"):
                key = f"{self.namespace}.{key}"
            if not has_key(key):  # TRANSITION: an English sentence from code not yet moved to the catalogue
                params = {"text": key}
                key = "common.untranslated"
            key = Message(key, params)
        self.message = key
        self.path = None if path is None else str(path)
        super().__init__(self.text("en"))

    @property
    def key(self) -> str:
        return self.message.key

    @property
    def params(self) -> dict:
        return dict(self.message.params)

    @property
    def problem(self) -> str:
        """The English text without the file name (kept for callers that show the file separately)."""
        return self.message.text("en")

    def text(self, lang: str = "en") -> str:
        """One line in ``lang``: the file's name, then the problem."""
        text = self.message.text(lang)
        if self.path is not None:
            text = f"{Path(self.path).name}: {text}"
        return " ".join(text.split())
