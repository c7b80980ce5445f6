"""Checks one MCP Inspector CLI result (`--format json`), for .ci/clients.sh.

  check_inspector.py tools-list FILE MIN_TOOLS   the listing has at least MIN_TOOLS tools,
                                                 get_conversation among them, each with an
                                                 object inputSchema and annotations
  check_inspector.py get-conversation FILE ID    tools/call get_conversation succeeded and
                                                 returned conversation ID

Prints one summary line; exits non-zero with the reason otherwise. Standard library only.
"""

from __future__ import annotations

import json
import sys


def fail(message: str) -> None:
    sys.exit(f"inspector result check FAILED: {message}")


def load(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as file:
            document = json.load(file)
    except (OSError, json.JSONDecodeError) as error:
        fail(f"{path}: not a JSON document ({error})")
    if not isinstance(document, dict) or "result" not in document:
        fail(f"{path}: no `result` in {str(document)[:300]}")
    return document["result"]


def tools_list(path: str, min_tools: int) -> str:
    tools = load(path).get("tools")
    if not isinstance(tools, list) or len(tools) < min_tools:
        fail(f"{path}: expected at least {min_tools} tools, got {len(tools or [])}")
    by_name = {tool.get("name"): tool for tool in tools}
    if "get_conversation" not in by_name:
        fail(f"{path}: get_conversation is not listed")
    for tool in tools:
        if tool.get("inputSchema", {}).get("type") != "object" or "annotations" not in tool:
            fail(f"{path}: tool {tool.get('name')} lacks an object inputSchema or annotations")
    return f"{len(tools)} tools"


def get_conversation(path: str, conversation_id: int) -> str:
    result = load(path)
    if result.get("isError"):
        fail(f"{path}: get_conversation returned an error result: {str(result)[:300]}")
    texts = [block.get("text", "") for block in result.get("content", []) if block.get("type") == "text"]
    conversation = result.get("structuredContent")
    if conversation is None:
        try:
            conversation = json.loads("".join(texts))
        except json.JSONDecodeError:
            fail(f"{path}: the result text is not JSON: {''.join(texts)[:300]}")
    if conversation.get("id") != conversation_id or not conversation.get("subject"):
        fail(f"{path}: expected conversation {conversation_id} with a subject, got {str(conversation)[:300]}")
    return f"conversation {conversation_id}: {conversation['subject']!r}"


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("tools-list", "get-conversation"):
        sys.exit(__doc__)
    kind, path, number = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print(tools_list(path, number) if kind == "tools-list" else get_conversation(path, number))
