"""The browser UI: static files only (no build step), talking to the public API."""
