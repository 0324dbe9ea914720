"""A fake OpenAI-compatible chat server on loopback, speaking the real protocol (aiohttp).

It serves `POST /v1/chat/completions` with scripted replies, as plain JSON or, when the request
asks for `stream: true`, as server-sent events (`data: {chunk}` lines ending `data: [DONE]`).
It runs its own event loop in a thread, so both synchronous code (the CLI) and async tests can
talk to it through the real LangChain/OpenAI client. Every request body and header is recorded.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Reply:
    """One scripted response.

    `content` is the assistant's text, or a function of the request body that writes it (a
    scripted "model" that reads the passages it was given); `status` != 200 sends an OpenAI-style error (a 401 echoes
    the Authorization header back, as a careless proxy might); `raw` replaces the body with
    these bytes (malformed output); `delay` waits before answering; `chunk_delay` between SSE chunks.
    """

    content: str | Callable[[dict], str] = ""
    status: int = 200
    raw: bytes | None = None
    delay: float = 0.0
    chunk_delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeLLM:
    url: str  # base URL to give the client, ending in /v1
    script: list[Reply]
    requests: list[dict] = field(default_factory=list)  # {"json": body, "headers": {...}}
    finished: int = 0  # responses sent completely (a streamed one counts once its [DONE] is out)

    @property
    def last_prompt(self) -> dict[str, str]:
        """role -> content of the most recent request's messages."""
        return {m["role"]: m["content"] for m in self.requests[-1]["json"]["messages"]}


def _chunks(text: str) -> list[str]:
    """Split like a tokenizer would: small pieces, markers and punctuation split across chunks."""
    return re.findall(r"\s*\S{1,4}", text) or [text]


def _completion(content: str, model: str) -> dict:
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def _chunk(delta: dict, model: str, finish: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


def _app(fake: FakeLLM) -> web.Application:
    async def completions(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        fake.requests.append({"json": body, "headers": dict(request.headers)})
        reply = fake.script[min(len(fake.requests), len(fake.script)) - 1]
        if reply.delay:
            await asyncio.sleep(reply.delay)
        model = body.get("model", "fake")
        content = reply.content(body) if callable(reply.content) else reply.content
        if reply.status != 200:
            message = f"scripted failure {reply.status}"
            if reply.status == 401:
                message = f"Incorrect API key provided: {request.headers.get('Authorization', '')}"
            return web.json_response({"error": {"message": message, "type": "error", "code": reply.status}},
                                     status=reply.status, headers=reply.headers)
        if reply.raw is not None:
            return web.Response(body=reply.raw, content_type="application/json", headers=reply.headers)
        if not body.get("stream"):
            return web.json_response(_completion(content, model), headers=reply.headers)
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", **reply.headers})
        await response.prepare(request)
        await response.write(_chunk({"role": "assistant", "content": ""}, model))
        for piece in _chunks(content):
            if reply.chunk_delay:
                await asyncio.sleep(reply.chunk_delay)
            await response.write(_chunk({"content": piece}, model))
        await response.write(_chunk({}, model, finish="stop"))
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        fake.finished += 1
        return response

    app = web.Application()
    app.router.add_post("/v1/chat/completions", completions)
    return app


@contextmanager
def fake_llm(*script: Reply) -> Iterator[FakeLLM]:
    """Run the fake on a free loopback port for the duration of the block."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict = {}

    async def start() -> None:
        runner = web.AppRunner(_app(fake), shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        holder["runner"] = runner
        holder["port"] = site._server.sockets[0].getsockname()[1]

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        started.set()
        loop.run_forever()

    fake = FakeLLM(url="", script=list(script) or [Reply("")])
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait(10)
    fake.url = f"http://127.0.0.1:{holder['port']}/v1"
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def passages_in(body: dict) -> dict[int, str]:
    """The numbered passages a request carried (number -> text including its source line)."""
    user = next(m["content"] for m in body["messages"] if m["role"] in ("user", "human"))
    return {int(n): text for n, text in re.findall(r"<passage (\d+)>\n(.*?)\n</passage \1>", user, re.DOTALL)}


def passage_with(body: dict, needle: str) -> int:
    """The number of the first passage containing `needle` (the scripted model "reads" its prompt)."""
    for n, text in passages_in(body).items():
        if needle in text:
            return n
    raise AssertionError(f"no passage contains {needle!r}")
