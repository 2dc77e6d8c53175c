"""`python -m chatbank.scheme`: serve the scheme configured by `CHATBANK_SCHEME_*` alone.

The same as `chatbank scheme serve` without importing the rest of chatbank (starts faster).
"""

from __future__ import annotations

import uvicorn

from chatbank.scheme.app import create_scheme_app
from chatbank.scheme.settings import SchemeSettings

if __name__ == "__main__":
    settings = SchemeSettings()
    uvicorn.run(create_scheme_app(settings), host=settings.host, port=settings.port,
                log_level="warning")
