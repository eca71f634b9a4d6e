"""The event catalogue as an AsyncAPI 3.0 document, built from the registry of event data
models (crmkit.events.event_data), so the catalogue cannot drift from what is published."""

from __future__ import annotations

from typing import Any

from .events import CONTENT_TYPE, EXCHANGE, registered

ENVELOPE_FIELDS = {
    "specversion": {"type": "string", "const": "1.0"},
    "id": {"type": "string", "description": "Unique event id: the deduplication key"},
    "source": {"type": "string", "examples": ["/services/leads"]},
    "type": {"type": "string", "description": "The routing key, `<aggregate>.<past_verb>`"},
    "subject": {"type": "string", "description": "The aggregate id"},
    "time": {"type": "string", "format": "date-time"},
    "datacontenttype": {"type": "string", "const": "application/json"},
    "tenantid": {"type": "string", "format": "uuid"},
    "dataversion": {"type": "string", "description": "Version of `data`'s model"},
    "sequence": {"type": "integer", "description": "Per aggregate; only grows"},
    "correlationid": {"type": "string", "description": "The request that caused the event"},
}


def document(title: str, source_prefix: str | tuple[str, ...] | None = None,
             version: str = "0.1.0") -> dict[str, Any]:
    """AsyncAPI for every registered event type whose name starts with one of the prefixes
    (all when None): one channel per routing key on the `tidtam.events` topic exchange."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for (type_, data_version), model in sorted(registered().items()):
        if source_prefix and not type_.startswith(source_prefix):
            continue
        key = f"{type_.replace('.', '_')}_v{data_version}"
        data_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in data_schema.pop("$defs", {}).items():
            schemas.setdefault(name, sub)
        schemas[key] = data_schema
        messages[key] = {
            "name": type_, "title": f"{type_} (data v{data_version})",
            "contentType": CONTENT_TYPE,
            "payload": {"type": "object",
                        "required": ["specversion", "id", "source", "type", "time",
                                     "tenantid", "dataversion", "sequence", "data"],
                        "properties": {**ENVELOPE_FIELDS,
                                       "data": {"$ref": f"#/components/schemas/{key}"}}},
        }
        channels.setdefault(type_.replace(".", "_"), {
            "address": type_, "messages": {},
            "bindings": {"amqp": {"is": "routingKey",
                                  "exchange": {"name": EXCHANGE, "type": "topic",
                                               "durable": True, "autoDelete": False}}},
        })["messages"][key] = {"$ref": f"#/components/messages/{key}"}
    for channel_id, channel in channels.items():
        operations[f"publish_{channel_id}"] = {
            "action": "send", "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{m}"}
                         for m in channel["messages"]],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": title, "version": version,
                 "description": "CloudEvents 1.0 (structured JSON) on the durable topic "
                                f"exchange `{EXCHANGE}`; routing key = event type. Delivery "
                                "is at-least-once: deduplicate on `id`, order by `sequence`."},
        "defaultContentType": CONTENT_TYPE,
        "channels": channels, "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def merge(base: dict[str, Any], *others: dict[str, Any]) -> dict[str, Any]:
    """One catalogue from several services' documents."""
    out = {**base, "channels": dict(base["channels"]), "operations": dict(base["operations"]),
           "components": {k: dict(v) for k, v in base["components"].items()}}
    for doc in others:
        out["channels"].update(doc.get("channels", {}))
        out["operations"].update(doc.get("operations", {}))
        for part, items in doc.get("components", {}).items():
            out["components"].setdefault(part, {}).update(items)
    return out
