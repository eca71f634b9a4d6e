"""A throwaway upstream for proxy tests: echoes what the gateway forwarded, streams big
answers, answers slowly on request, and serves small OpenAPI and AsyncAPI documents."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os

# Which service this stand-in plays (`leads` or `accounts`): said in every echo, and its
# documents differ accordingly.
NAME = os.environ.get("ECHO_NAME", "leads")
_OK = {"200": {"description": "ok"}}
_ENTITY = {"name": "entity", "in": "query", "required": True,
           "schema": {"type": "string", "enum": ["lead", "account"]}}
# Operations both services serve alike (crmkit.custom): the merge shows them once.
SHARED_PATHS = {
    "/api/v1/custom-fields": {
        "get": {"operationId": "list_custom_fields", "tags": ["custom fields"],
                "parameters": [_ENTITY],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"type": "array", "items": {
                        "$ref": "#/components/schemas/CustomFieldOut"}}}}},
                    "422": {"description": "bad"}}},
    },
    "/api/v1/custom-fields/{key}": {
        "delete": {"operationId": "delete_custom_field", "tags": ["custom fields"],
                   "parameters": [_ENTITY, {"name": "key", "in": "path", "required": True,
                                            "schema": {"type": "string"}}],
                   "responses": {"204": {"description": "gone"}}},
    },
}
SHARED_SCHEMAS = {"CustomFieldOut": {"type": "object", "properties": {
    "key": {"type": "string"}, "label_th": {"type": "string"}}}}
OWN_PATHS = {
    "leads": {
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
    },
    "accounts": {
        "/api/v1/accounts": {
            "get": {"operationId": "list_accounts", "tags": ["accounts"],
                    "responses": {"200": {"description": "ok", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/TeamOut"}}}}}},
        },
        # Not the accounts service's to document: the merge leaves it out.
        "/api/v1/leads/{lead_id}": {"get": {"operationId": "not_mine", "responses": _OK}},
    },
}
# Same name as a gateway schema, different shape (and different in each service): the
# merge must keep all of them.
OWN_SCHEMAS = {
    "leads": {"TeamOut": {"type": "object", "properties": {"echo": {"type": "string"}}}},
    "accounts": {"TeamOut": {"type": "object", "properties": {"account": {"type": "string"}}}},
}
SPEC = {
    "openapi": "3.1.0",
    "info": {"title": f"echo {NAME}", "version": "0"},
    "paths": {**OWN_PATHS[NAME], **SHARED_PATHS,
              "/healthz": {"get": {"responses": _OK}}},
    "components": {"schemas": {**OWN_SCHEMAS[NAME], **SHARED_SCHEMAS}},
}
EVENT = {"leads": "lead.created", "accounts": "account.created"}[NAME]
_KEY = EVENT.replace(".", "_")
ASYNCAPI = {
    "asyncapi": "3.0.0", "info": {"title": f"echo {NAME}", "version": "0"},
    "channels": {_KEY: {"address": EVENT, "messages": {
        f"{_KEY}_v1": {"$ref": f"#/components/messages/{_KEY}_v1"}}}},
    "operations": {f"publish_{_KEY}": {"action": "send",
                                       "channel": {"$ref": f"#/channels/{_KEY}"}}},
    "components": {"messages": {f"{_KEY}_v1": {"name": EVENT, "payload": {"type": "object"}}},
                   "schemas": {}},
}


SEEN: dict[str, int] = {}


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
    if path == "/asyncapi.json":
        return await _send_json(send, 200, ASYNCAPI)
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
    # How often this process saw a request carrying this X-Echo-Id (1: it was not re-sent).
    echo_id = (headers.get("x-echo-id") or [""])[0]
    SEEN[echo_id] = SEEN.get(echo_id, 0) + 1
    await _send_json(send, 200, {
        "service": NAME, "method": scope["method"], "path": path,
        "query": scope["query_string"].decode(),
        "raw_path": scope.get("raw_path", b"").decode("latin-1"),
        "headers": headers, "body_len": length, "body_sha256": digest.hexdigest(),
        "seen": SEEN[echo_id] if echo_id else None,
    }, headers=[(b"set-cookie", b"a=1"), (b"set-cookie", b"b=2"), (b"x-upstream", b"echo")])
