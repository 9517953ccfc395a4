"""A minimal OpenID Connect provider for tests, offline: discovery, an authorisation endpoint that signs in whoever
the test names (no password page), a token endpoint that returns an RS256-signed ID token, and the key set.

Enough for Streamlit's ``st.login`` (Authlib's client validates issuer, audience, expiry, nonce and the signature
against the key set) to run its real round trip in a browser.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit


class Provider:
    """``with Provider() as idp: idp.sign_in_as = "lan@sonla.gov.vn"``; ``idp.issuer`` is its URL."""

    def __init__(self, client_id: str = "coverage-map", client_secret: str = "test-secret"):
        from authlib.jose import JsonWebKey

        self.client_id, self.client_secret = client_id, client_secret
        self.key = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "test"})
        self.sign_in_as: str | None = None
        self.codes: dict[str, dict] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.requests: list[str] = []

    def __enter__(self) -> "Provider":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def metadata(self) -> dict:
        return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"], "scopes_supported": ["openid", "email"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "code_challenge_methods_supported": ["S256"]}

    def id_token(self, email: str, nonce: str | None) -> str:
        from authlib.jose import jwt

        now = int(time.time())
        claims = {"iss": self.issuer, "sub": email, "aud": self.client_id, "iat": now, "exp": now + 600,
                  "email": email, "email_verified": True, "name": email.split("@")[0]}
        if nonce:
            claims["nonce"] = nonce
        return jwt.encode({"alg": "RS256", "kid": "test"}, claims, self.key).decode()

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, body: dict, status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                url = urlsplit(self.path)
                provider.requests.append(url.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    return self._json(provider.metadata())
                if url.path == "/jwks":
                    return self._json({"keys": [provider.key.as_dict(is_private=False, kid="test")]})
                if url.path == "/authorize":
                    if query.get("client_id") != provider.client_id or provider.sign_in_as is None:
                        return self._json({"error": "access_denied"}, 400)
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {"email": provider.sign_in_as, "nonce": query.get("nonce")}
                    target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                    return None
                return self._json({"error": "not_found"}, 404)

            def do_POST(self):  # noqa: N802
                provider.requests.append(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                grant = provider.codes.pop(form.get("code", ""), None)
                if self.path != "/token" or grant is None:
                    return self._json({"error": "invalid_grant"}, 400)
                return self._json({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                                   "expires_in": 600, "id_token": provider.id_token(grant["email"],
                                                                                   grant["nonce"])})

        return Handler
