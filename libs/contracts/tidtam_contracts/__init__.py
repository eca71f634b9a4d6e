"""Tidtam's event contracts: one versioned pydantic model of `data` per event type, one
module per producing domain (leads and its set-up, lead_setup; accounts; activities;
documents; gateway; notifications), and
`CATALOGUE`, every one of them.

Producers build events from these models; consumers receive them (crmkit.consumer), older
versions upcast to the newest (base.EventData.read); the AsyncAPI catalogue is generated
from them (crmkit.asyncapi)."""

from __future__ import annotations

from . import (
    accounts,
    activities,
    capture,
    deals,
    documents,
    gateway,
    lead_setup,
    leads,
    notifications,
    privacy,
)
from .base import Catalogue, ContractError, EventData, UnknownVersion, check_contract

CATALOGUE = Catalogue([*leads.EVENTS, *lead_setup.EVENTS, *deals.EVENTS, *accounts.EVENTS,
                       *activities.EVENTS, *documents.EVENTS, *gateway.EVENTS,
                       *notifications.EVENTS, *capture.EVENTS, *privacy.EVENTS])

__all__ = ["CATALOGUE", "Catalogue", "ContractError", "EventData", "UnknownVersion",
           "accounts", "activities", "capture", "check_contract", "deals", "documents", "gateway",
           "lead_setup", "leads", "notifications", "privacy"]
