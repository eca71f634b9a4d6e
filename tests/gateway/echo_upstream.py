"""A throwaway upstream for proxy tests: echoes what the gateway forwarded, streams big
answers, answers slowly on request, and serves a small OpenAPI document."""

from __future__ import annotations

import asyncio
import hashlib
import json

SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "echo", "version": "0"},
    "paths": {
        "/api/v1/leads": {
            "get": {"operationId": "list_leads", "tags": ["leads"],
                    "responses": {"200": {"description": "ok", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/TeamOut"}}}},
                        "404": {"description": "nope"}}},
            "post": {"operationId": "create_lead", "tags": ["leads"],
                     "requestBody": {"content": {"application/json": {"schema": {
                         "$ref": "#/components/schemas/TeamOut"}}}},
                     "responses": {"201": {"description": "created"}}},
        },
        "/healthz": {"get": {"responses": {"200": {"description": "ok"}}}},
    },
    # Same name as a gateway schema, different shape: the merge must keep both.
    "components": {"schemas": {"TeamOut": {"type": "object", "properties": {
        "echo": {"type": "string"}}}}},
}


async def _send_json(send, status: int, payload: dict, headers=()) -> None:
    body = json.dumps(payload).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), *headers]})
    await send({"type": "http.response.body", "body": body})


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    path = scope["path"]
    query = dict(p.split("=", 1) for p in scope["query_string"].decode().split("&") if "=" in p)
    if path == "/healthz":
        return await _send_json(send, 200, {"status": "ok"})
    if path == "/openapi.json":
        return await _send_json(send, 200, SPEC)
    if path.endswith("/big"):
        size, chunk = int(query.get("size", "0")), 64 * 1024
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/octet-stream")]})
        sent = 0
        while sent < size:
            n = min(chunk, size - sent)
            sent += n
            await send({"type": "http.response.body", "body": b"x" * n,
                        "more_body": sent < size})
        return
    if path.endswith("/post-only") and scope["method"] != "POST":
        return await _send_json(send, 405, {"code": "method_not_allowed", "message": "no",
                                            "fields": []}, headers=[(b"allow", b"POST")])
    if path.endswith("/slow"):
        await asyncio.sleep(float(query.get("seconds", "5")))
    digest, length, chunks = hashlib.sha256(), 0, 0
    while True:
        message = await receive()
        body = message.get("body", b"")
        digest.update(body)
        length += len(body)
        chunks += 1 if body else 0
        if not message.get("more_body"):
            break
    headers: dict[str, list[str]] = {}
    for k, v in scope["headers"]:
        headers.setdefault(k.decode().lower(), []).append(v.decode("latin-1"))
    await _send_json(send, 200, {
        "method": scope["method"], "path": path, "query": scope["query_string"].decode(),
        "raw_path": scope.get("raw_path", b"").decode("latin-1"),
        "headers": headers, "body_len": length, "body_sha256": digest.hexdigest(),
    }, headers=[(b"set-cookie", b"a=1"), (b"set-cookie", b"b=2"), (b"x-upstream", b"echo")])
