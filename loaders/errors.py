"""The one exception type loaders raise for input a user must fix."""

from __future__ import annotations

from pathlib import Path


class LoaderError(Exception):
    """Unusable input, explained in one line that names the file and the problem.

    The CLI prints ``str(error)`` on stderr and exits 2; the app shows it in an
    ``st.error`` box. Never raise it for programming errors.

    Parameters
    ----------
    message : str
        What is wrong, in plain words, and when possible what to do about it.
    path : str or Path, optional
        The file concerned; prefixed to the message.
    """

    def __init__(self, message: str, path: str | Path | None = None):
        self.path = None if path is None else str(path)
        self.problem = message
        text = message if path is None else f"{Path(path).name}: {message}"
        super().__init__(" ".join(text.split()))  # always one line
