"""Run Schemathesis-generated requests at a live server, a bounded number per operation.

Each operation's examples run as one Hypothesis test inside the calling pytest test (so the
module-scoped servers and real users of the caller are used, and the total is bounded). The
checks are the ones the issue asks for: no 5xx, documented status codes, content types and
bodies that conform to the document.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, BaseSchema, Case, GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Schema-invalid input must be refused, never crash: the body need not match a 2xx schema.
NEGATIVE_CHECKS = [not_a_server_error, content_type_conformance]
Send = Callable[[Case], httpx.Response]
Arguments = Callable[[APIOperation], dict[str, Any]]


def operations(schema: BaseSchema) -> list[APIOperation]:
    return [result.ok() for result in schema.get_all_operations()]


def can_be_invalid(operation: APIOperation) -> bool:
    """Whether a schema-invalid request exists: any string is a valid path segment, so an
    operation with only free-text path parameters has none (Hypothesis would search in vain)."""
    if operation.get_request_payload_content_types():
        return True
    for parameter in operation.iter_parameters():
        location = getattr(parameter.location, "value", parameter.location)
        kind = parameter.definition.get("schema", {}).get("type", "string")
        if location != "path" or kind != "string":
            return True
    return False


def exercise(operation: APIOperation, send: Send, examples: int,
             mode: GenerationMode = GenerationMode.POSITIVE, **fixed: Any) -> None:
    """Send up to `examples` generated requests; the first failing check fails the test."""
    checks = CHECKS if mode is GenerationMode.POSITIVE else NEGATIVE_CHECKS
    if mode is GenerationMode.NEGATIVE and not can_be_invalid(operation):
        return

    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(case: Case) -> None:
        case.validate_response(send(case), checks=checks)

    try:
        run()
    except Unsatisfiable:
        # Every generated value was valid after all (e.g. only free-text query strings).
        assert mode is GenerationMode.NEGATIVE, operation.label


def send_with(http: httpx.Client, headers: Callable[[Case, bytes], dict[str, str]],
              base_url: str | None = None) -> Send:
    """A sender over one httpx client; `headers` adds credentials (and signatures) per case.

    JSON bodies are serialised here, once, so a signature over the bytes matches what is sent.
    """
    root = base_url or str(http.base_url).rstrip("/")

    def send(case: Case) -> httpx.Response:
        kwargs = case.as_transport_kwargs(base_url=root)
        raw = json.dumps(kwargs["json"]).encode() if "json" in kwargs else kwargs.get("data")
        content = raw.encode() if isinstance(raw, str) else raw
        generated = {k: str(v) for k, v in (kwargs.get("headers") or {}).items()}
        return http.request(kwargs["method"], kwargs["url"], params=kwargs.get("params"),
                            content=content,
                            headers={**generated, **headers(case, content or b"")})

    return send
