"""Demo API client "demo" with every scope. Its token is derived from SECRET_KEY, so
`flask api-token demo` can print it again in development (only the hash is stored)."""
from app.api import service
from app.models import SCOPES, ApiClient

DEMO_CLIENT = "demo"


def seed(created):
    token = service.derived_token(DEMO_CLIENT)
    if ApiClient.get_or_none(ApiClient.name == DEMO_CLIENT) is None:
        ApiClient.create(name=DEMO_CLIENT, token_hash=service.token_hash(token), token_hint=token[:8],
                         scopes=" ".join(SCOPES))
        created.append("api_client")
