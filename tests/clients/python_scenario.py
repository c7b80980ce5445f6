"""The official MCP Python SDK (mcp==2.3.0) against helpscout-mcp --sandbox.

Runs the same agent session over every transport the server claims: stdio, Streamable
HTTP (the SDK's `mode="auto"`, which probes `server/discover` and so talks the stateless
2026-07-28 protocol, and `mode="legacy"`, the initialize handshake) and legacy HTTP+SSE
(the SDK's `sse_client`). In each it lists the tools, reads a conversation, writes a
note and a draft reply, and checks that a second server started with `--access read`
refuses the note as a tool error that names the setting to change.

Usage: python python_scenario.py PATH/TO/helpscout-mcp
Exits non-zero with a message naming the transport and the step on the first failure.
Every server is a child on 127.0.0.1 and is killed on exit; every step is time-bounded.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator

import anyio
from mcp.client.client import Client
from mcp.client.sse import sse_client
from mcp.client.stdio import StdioServerParameters

# One transport's whole session (start, six calls, shutdown); generous for a loaded CI box.
SESSION_TIMEOUT_SECS = 60
# How long an HTTP server gets to print its `listening on` line.
LISTEN_TIMEOUT_SECS = 30

TOOLS_USED = ("list_conversations", "get_conversation", "create_note", "create_draft_reply")
# Customer-visible or destructive: hidden below `--access full`.
NOT_AT_WRITE = ("send_reply", "delete_conversation")
# The handshake-era protocol the SDK asks for, and the stateless one `mode="auto"` finds.
LEGACY_PROTOCOL = "2025-11-25"
MODERN_PROTOCOL = "2026-07-28"


class ScenarioError(Exception):
    pass


class SdkWarnings(logging.Handler):
    """Collects what the SDK logs at WARNING or above: a client that works but complains
    (e.g. "Session termination failed: 202") is an interoperability problem too."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.name}: {record.getMessage()}")


SDK_WARNINGS = SdkWarnings()


def check(condition: bool, message: str) -> None:
    if not condition:
        raise ScenarioError(message)


def server_env() -> dict[str, str]:
    """No Help Scout credentials or settings from the caller's shell reach the server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPSCOUT_")}
    env["RUST_LOG"] = "warn,helpscout_mcp::transport=info"
    return env


@contextmanager
def http_server(binary: str, access: str) -> Iterator[str]:
    """`helpscout-mcp --sandbox --access ACCESS http` on an ephemeral loopback port; yields its base URL."""
    child = subprocess.Popen(
        [binary, "--sandbox", "--access", access, "http", "--listen", "127.0.0.1:0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=server_env(),
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    log: list[str] = []

    def drain() -> None:
        # Reads stderr to the end so the child never blocks on a full pipe.
        assert child.stderr is not None
        for line in child.stderr:
            log.append(line.rstrip())
            lines.put(line)
        lines.put(None)

    threading.Thread(target=drain, daemon=True).start()
    try:
        deadline = time.monotonic() + LISTEN_TIMEOUT_SECS
        base = None
        while base is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ScenarioError(f"no `listening on` line within {LISTEN_TIMEOUT_SECS}s")
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise ScenarioError("the HTTP server exited before listening:\n" + "\n".join(log[-20:]))
            if "listening on http://" in line:
                base = "http://" + line.split("listening on http://", 1)[1].split()[0]
        yield base
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=10)


def stdio_params(binary: str, access: str) -> StdioServerParameters:
    return StdioServerParameters(
        command=binary, args=["--sandbox", "--access", access, "stdio"], env=server_env()
    )


def text_of(result: Any) -> str:
    return "\n".join(block.text for block in result.content if getattr(block, "type", None) == "text")


def payload(result: Any, step: str) -> Any:
    """A tool result's data: structuredContent when present, else the JSON text block."""
    if result.structured_content is not None:
        return result.structured_content
    text = text_of(result)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ScenarioError(f"{step}: result is not JSON ({error}): {text[:200]!r}") from error


async def tool_names(client: Client) -> set[str]:
    names: set[str] = set()
    cursor = None
    for _ in range(50):  # a paginator that never ends cannot hang the check
        page = await client.list_tools(cursor=cursor)
        names.update(tool.name for tool in page.tools)
        cursor = page.next_cursor
        if cursor is None:
            return names
    raise ScenarioError("tools/list: more than 50 pages")


async def call_ok(client: Client, name: str, arguments: dict[str, Any]) -> Any:
    result = await client.call_tool(name, arguments)
    check(not result.is_error, f"{name}: unexpected error result: {text_of(result)[:300]}")
    return result


async def write_session(client: Client, expected_protocol: str) -> str:
    """The agent session under `--access write`; returns a one-line summary."""
    check(
        client.protocol_version == expected_protocol,
        f"negotiated protocol {client.protocol_version}, expected {expected_protocol}",
    )
    info = client.server_info
    check(info is not None and info.name == "helpscout-mcp", f"server identifies as {info!r}")

    names = await tool_names(client)
    missing = [name for name in TOOLS_USED if name not in names]
    check(not missing, f"tools/list lacks {missing}")
    leaked = [name for name in NOT_AT_WRITE if name in names]
    check(not leaked, f"tools/list under --access write shows {leaked}")

    listing = payload(await call_ok(client, "list_conversations", {"status": "all"}), "list_conversations")
    conversations = listing.get("conversations") if isinstance(listing, dict) else None
    check(bool(conversations), f"list_conversations returned no conversations: {str(listing)[:200]}")
    first = conversations[0]
    conversation = payload(
        await call_ok(client, "get_conversation", {"conversation_id": first["id"]}), "get_conversation"
    )
    check(
        conversation.get("id") == first["id"] and conversation.get("subject") == first.get("subject"),
        f"get_conversation({first['id']}) returned id {conversation.get('id')} / subject {conversation.get('subject')!r}",
    )

    note_text = "Checked by the MCP Python SDK client scenario."
    note = payload(
        await call_ok(client, "create_note", {"conversation_id": first["id"], "text": note_text}), "create_note"
    )
    check(note.get("emailed") is False and "id" in note, f"create_note returned {note}")
    draft = payload(
        await call_ok(
            client,
            "create_draft_reply",
            {"conversation_id": first["id"], "text": "Thanks for your message, we are looking into it."},
        ),
        "create_draft_reply",
    )
    check(draft.get("draft") is True and draft.get("emailed") is False, f"create_draft_reply returned {draft}")
    # Both writes reached (the fake) Help Scout: the conversation now holds the new threads.
    after = payload(
        await call_ok(client, "get_conversation", {"conversation_id": first["id"]}), "get_conversation"
    )
    threads = {thread.get("id"): thread for thread in after.get("threads", [])}
    check(
        note["id"] in threads and note_text in str(threads[note["id"]].get("text")),
        f"the note {note['id']} is not among the conversation's threads {list(threads)}",
    )
    check(draft.get("id") in threads, f"the draft {draft.get('id')} is not among the conversation's threads")
    return f"{len(names)} tools, conversation {first['id']} read, note and draft reply created and read back"


async def read_session(client: Client, expected_protocol: str) -> str:
    """Under `--access read` the write tool is hidden, and calling it anyway is refused
    as a tool error (isError, not a protocol error) that names the setting."""
    check(
        client.protocol_version == expected_protocol,
        f"negotiated protocol {client.protocol_version}, expected {expected_protocol}",
    )
    names = await tool_names(client)
    check("create_note" not in names, "tools/list under --access read shows create_note")
    check("list_conversations" in names, "tools/list under --access read lacks list_conversations")
    result = await client.call_tool("create_note", {"conversation_id": 2000001, "text": "must not be written"})
    text = text_of(result)
    check(result.is_error, f"create_note under --access read was not refused: {text[:300]}")
    check(
        "--access write" in text and "HELPSCOUT_ACCESS" in text,
        f"the refusal does not name the setting (--access write / HELPSCOUT_ACCESS): {text[:300]}",
    )
    return "create_note refused, naming --access write"


def describe(error: BaseException) -> str:
    """The leaf exceptions of a task group's ExceptionGroup, which alone says nothing."""
    nested = getattr(error, "exceptions", None)
    if nested:
        return "; ".join(describe(inner) for inner in nested)
    return f"{type(error).__name__}: {error}"


async def run_session(label: str, make_client: Any, session: Any, expected_protocol: str) -> None:
    started = time.monotonic()
    SDK_WARNINGS.messages.clear()
    try:
        with anyio.fail_after(SESSION_TIMEOUT_SECS):
            async with make_client() as client:
                summary = await session(client, expected_protocol)
    except ScenarioError as error:
        raise ScenarioError(f"{label}: {error}") from error
    except TimeoutError as error:
        raise ScenarioError(f"{label}: did not finish within {SESSION_TIMEOUT_SECS}s") from error
    except Exception as error:  # noqa: BLE001 - any client failure fails the scenario, with its cause
        raise ScenarioError(f"{label}: {describe(error)}") from error
    if SDK_WARNINGS.messages:
        raise ScenarioError(f"{label}: the SDK logged warnings: {SDK_WARNINGS.messages}")
    print(f"  ok  {label}: {summary} ({time.monotonic() - started:.2f}s)", flush=True)


async def main(binary: str) -> None:
    for access, session in (("write", write_session), ("read", read_session)):
        await run_session(
            f"stdio mode=auto --access {access}",
            lambda: Client(stdio_params(binary, access), mode="auto"),
            session,
            MODERN_PROTOCOL,
        )
        await run_session(
            f"stdio mode=legacy --access {access}",
            lambda: Client(stdio_params(binary, access), mode="legacy"),
            session,
            LEGACY_PROTOCOL,
        )
        with http_server(binary, access) as base:
            await run_session(
                f"streamable-http mode=auto --access {access}",
                lambda: Client(f"{base}/mcp", mode="auto"),
                session,
                MODERN_PROTOCOL,
            )
            await run_session(
                f"streamable-http mode=legacy --access {access}",
                lambda: Client(f"{base}/mcp", mode="legacy"),
                session,
                LEGACY_PROTOCOL,
            )
            # Legacy HTTP+SSE predates server/discover: the initialize handshake only.
            await run_session(
                f"legacy-sse sse_client --access {access}",
                lambda: Client(sse_client(f"{base}/sse"), mode="legacy"),
                session,
                LEGACY_PROTOCOL,
            )


if __name__ == "__main__":
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        sys.exit(f"usage: {sys.argv[0]} PATH/TO/helpscout-mcp (an executable)")
    logging.getLogger("mcp").addHandler(SDK_WARNINGS)
    try:
        anyio.run(main, sys.argv[1])
    except ScenarioError as failure:
        sys.exit(f"python SDK scenario FAILED: {failure}")
