"""Adapters that speak HTTP to other servers: files fetched by URL (httpx) and an identity
provider's signing keys (PyJWT's JWKS client)."""
