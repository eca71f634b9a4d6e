"""Tidtam capture service: leads from web forms (and other channels), with consent."""
