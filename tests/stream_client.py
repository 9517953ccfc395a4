"""A Streamlit session without a browser: the websocket protocol the frontend speaks (``/_stcore/stream``,
``BackMsg``/``ForwardMsg`` protobufs). Each client is a real server-side session (``AppSession``): the app's script
runs, reads the store and builds its maps exactly as for a browser; only the drawing in a browser is left out.
Used to put many concurrent sessions on app servers without a browser per session on a 2-core machine."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


@dataclass
class RunResult:
    """One run of the app's script for a view: what a page showed, and whether it failed."""

    seconds: float
    elements: int = 0
    headings: list = field(default_factory=list)
    texts: list = field(default_factory=list)
    exceptions: list = field(default_factory=list)
    finished: str = ""


class StreamSession:
    """``async with StreamSession(base) as session: await session.view("/vung-trong?province=14")``."""

    def __init__(self, base: str):
        self.url = base.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.connection = None

    async def __aenter__(self) -> "StreamSession":
        import websockets

        self.connection = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                                   open_timeout=300, ping_interval=None)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.connection.close()

    async def view(self, path: str, timeout: float = 600.0) -> RunResult:
        """Ask for the page at ``path`` (as typed in the address bar) and read until its script finishes."""
        import asyncio

        parts = urlsplit(path)
        message = BackMsg()
        message.rerun_script.query_string = parts.query
        message.rerun_script.page_name = parts.path.strip("/")
        started = time.monotonic()
        await self.connection.send(message.SerializeToString())
        result = RunResult(seconds=0.0)
        async with asyncio.timeout(timeout):
            while True:
                data = await self.connection.recv()
                if isinstance(data, str):
                    continue
                forward = ForwardMsg()
                forward.ParseFromString(data)
                kind = forward.WhichOneof("type")
                if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                    element = forward.delta.new_element
                    result.elements += 1
                    which = element.WhichOneof("type")
                    if which == "exception":
                        result.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:400])
                    elif which == "heading":
                        result.headings.append(element.heading.body)
                    elif which in ("alert", "markdown", "text"):
                        result.texts.append(getattr(element, which).body)
                elif kind == "script_finished":
                    status = ForwardMsg.ScriptFinishedStatus.Name(forward.script_finished)
                    if status == "FINISHED_EARLY_FOR_RERUN":  # the app reran itself (st.rerun): keep reading
                        continue
                    result.finished = status
                    break
        result.seconds = time.monotonic() - started
        return result
