"""Validate real httpx exchanges against the UK OB v3.1.11 OpenAPI documents, unmodified.

The documents live in the shared folder beside the repository (`CHATBANK_SHARED_DIR`, else
`<repo>/../shared`). Their `servers` entries are relative (`/open-banking/v3.1/aisp`), so a
request to `http://127.0.0.1:PORT/open-banking/v3.1/aisp/accounts` matches the server URL
resolved against the bank's origin and the spec path `/accounts`.
"""

from __future__ import annotations

import os
import warnings
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs

import httpx
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_FILES = {"/open-banking/v3.1/aisp": "account-info-openapi.json",
              "/open-banking/v3.1/pisp": "payment-initiation-openapi.json"}


def shared_dir() -> Path:
    return Path(os.environ.get("CHATBANK_SHARED_DIR") or REPO_ROOT.parent / "shared")


@cache
def spec_for(prefix: str) -> OpenAPI:
    """The OpenAPI document for an API prefix, parsed once per test session."""
    return OpenAPI.from_file_path(str(shared_dir() / "openbanking" / SPEC_FILES[prefix]))


class ExchangeRequest:
    """openapi-core's request protocol over an `httpx.Request`."""

    def __init__(self, request: httpx.Request) -> None:
        self.request = request
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qs(request.url.query.decode())),
            header=Headers(dict(request.headers)), cookie=ImmutableMultiDict())

    @property
    def host_url(self) -> str:
        return f"{self.request.url.scheme}://{self.request.url.netloc.decode()}"

    @property
    def path(self) -> str:
        return self.request.url.path

    @property
    def method(self) -> str:
        return self.request.method.lower()

    @property
    def body(self) -> bytes | None:
        return self.request.content or None

    @property
    def content_type(self) -> str:
        return self.request.headers.get("content-type", "")


class ExchangeResponse:
    """openapi-core's response protocol over an `httpx.Response`."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    @property
    def status_code(self) -> int:
        return self.response.status_code

    @property
    def content_type(self) -> str:
        return self.response.headers.get("content-type", "").lower()

    @property
    def headers(self) -> Headers:
        return Headers(dict(self.response.headers))

    @property
    def data(self) -> bytes | None:
        return self.response.content or None


def check_exchange(response: httpx.Response, request_valid: bool = True) -> httpx.Response:
    """Validate the request (when it is meant to be valid) and always the response."""
    path = response.request.url.path
    prefix = next(p for p in SPEC_FILES if path.startswith(p))
    spec = spec_for(prefix)
    request = ExchangeRequest(response.request)
    with warnings.catch_warnings():
        # openapi-core cannot check oauth2 security schemes and says so; the bank does.
        warnings.filterwarnings("ignore", "Unsupported scheme type", UserWarning)
        if request_valid:
            spec.validate_request(request)
        spec.validate_response(request, ExchangeResponse(response))
    return response
