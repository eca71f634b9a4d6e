"""The event catalogue as an AsyncAPI 3.0 document, generated from the event contracts
(tidtam_contracts) a service publishes and consumes, so it cannot drift from what is sent.

Each type is a channel (its routing key on the `tidtam.events` topic exchange) with one
message per `dataversion`: the newest, and every older one still upcast (marked
deprecated). A service's document says what it sends and what it receives."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tidtam_contracts import EventData

from .events import CONTENT_TYPE, EXCHANGE

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
REQUIRED = ["specversion", "id", "source", "type", "time", "tenantid", "dataversion",
            "sequence", "data"]


def _channel_id(type_: str) -> str:
    return type_.replace(".", "_")


def _add(doc: dict[str, Any], contract: type[EventData]) -> str:
    """The channel of `contract`'s type with a message for each of its versions."""
    channel_id = _channel_id(contract.TYPE)
    channel = doc["channels"].setdefault(channel_id, {
        "address": contract.TYPE, "messages": {},
        "bindings": {"amqp": {"is": "routingKey",
                              "exchange": {"name": EXCHANGE, "type": "topic",
                                           "durable": True, "autoDelete": False}}},
    })
    components = doc["components"]
    for model in contract.versions():
        key = f"{channel_id}_v{model.VERSION}"
        data_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in data_schema.pop("$defs", {}).items():
            components["schemas"].setdefault(name, sub)
        components["schemas"][key] = data_schema
        message: dict[str, Any] = {
            "name": model.TYPE, "title": f"{model.TYPE} (data v{model.VERSION})",
            "contentType": CONTENT_TYPE,
            "payload": {"type": "object", "required": REQUIRED,
                        "properties": {**ENVELOPE_FIELDS,
                                       "dataversion": {"type": "string",
                                                       "const": model.VERSION},
                                       "data": {"$ref": f"#/components/schemas/{key}"}}},
        }
        if model is not contract:
            message["deprecated"] = True
            message["description"] = (f"Superseded by v{contract.VERSION}; consumers "
                                      "upcast it (tidtam_contracts)")
        components["messages"][key] = message
        channel["messages"][key] = {"$ref": f"#/components/messages/{key}"}
    return channel_id


def document(title: str, *, service: str, published: Iterable[type[EventData]] = (),
             consumed: Iterable[type[EventData]] = (), version: str = "0.1.0"
             ) -> dict[str, Any]:
    """AsyncAPI for what `service` publishes (send) and consumes (receive)."""
    doc: dict[str, Any] = {
        "asyncapi": "3.0.0",
        "info": {"title": title, "version": version,
                 "description": "CloudEvents 1.0 (structured JSON) on the durable topic "
                                f"exchange `{EXCHANGE}`; routing key = event type. Delivery "
                                "is at-least-once: deduplicate on `id`, order by `sequence`."
                                " `dataversion` names the version of `data`."},
        "defaultContentType": CONTENT_TYPE,
        "channels": {}, "operations": {},
        "components": {"messages": {}, "schemas": {}},
    }
    for action, contracts in (("send", published), ("receive", consumed)):
        for contract in sorted(contracts, key=lambda c: c.TYPE):
            channel_id = _add(doc, contract)
            doc["operations"][f"{service}_{action}_{channel_id}"] = {
                "action": action, "channel": {"$ref": f"#/channels/{channel_id}"},
                "messages": [{"$ref": f"#/channels/{channel_id}/messages/{m}"}
                             for m in doc["channels"][channel_id]["messages"]],
            }
    return doc


def merge(base: dict[str, Any], *others: dict[str, Any]) -> dict[str, Any]:
    """One catalogue from several services' documents (a channel's messages are the union
    of what each service documents for it)."""
    out = {**base, "operations": dict(base["operations"]),
           "channels": {k: {**v, "messages": dict(v["messages"])}
                        for k, v in base["channels"].items()},
           "components": {k: dict(v) for k, v in base["components"].items()}}
    for doc in others:
        for channel_id, channel in doc.get("channels", {}).items():
            mine = out["channels"].setdefault(channel_id, {**channel, "messages": {}})
            mine["messages"].update(channel.get("messages", {}))
        out["operations"].update(doc.get("operations", {}))
        for part, items in doc.get("components", {}).items():
            out["components"].setdefault(part, {}).update(items)
    return out


def event_types(doc: dict[str, Any], action: str | None = None) -> set[str]:
    """The event types a document's operations send or receive (both when None)."""
    return {doc["channels"][op["channel"]["$ref"].rsplit("/", 1)[-1]]["address"]
            for op in doc.get("operations", {}).values()
            if action is None or op["action"] == action}
