"""The web server's own logs: the access log names paths, never query strings (search text or a
token put in a URL would otherwise be written to disk). See docs/api.md."""

from __future__ import annotations

import copy
import logging
from typing import Any

import uvicorn.config


class SansChaineDeRequete(logging.Filter):
    """uvicorn's access lines are (client, method, path with query, HTTP version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def configuration_des_journaux() -> dict[str, Any]:
    """uvicorn's logging configuration, its access log filtered."""
    configuration: dict[str, Any] = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    configuration.setdefault("filters", {})["sans_requete"] = {
        "()": f"{__name__}.SansChaineDeRequete"
    }
    configuration["handlers"]["access"]["filters"] = ["sans_requete"]
    return configuration
