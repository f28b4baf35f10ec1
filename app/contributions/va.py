"""Virtual accounts (VA): who issues a family's payment number.

The issuer is pluggable (`VA_ISSUER` = "module:Class"): the real one is a bank's API, which cannot
exist here; `LocalVaIssuer` derives a stable number from the family id, as a bank would assign one.
"""
import importlib

from flask import current_app


class LocalVaIssuer:
    """16 digits: a 5-digit biller prefix and the family id, zero-padded."""

    PREFIX = "88888"

    def issue(self, family):
        return f"{self.PREFIX}{family.id:011d}"


def va_issuer():
    module, _, name = current_app.config["VA_ISSUER"].partition(":")
    return getattr(importlib.import_module(module), name)()
