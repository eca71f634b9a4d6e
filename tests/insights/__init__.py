"""Tests of the insights service: a package, so its conftest has a name of its own."""
