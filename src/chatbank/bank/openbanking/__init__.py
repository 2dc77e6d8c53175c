"""UK Open Banking Read/Write v3.1.11 API of the sandbox bank: AISP, PISP, consents, JWS."""
