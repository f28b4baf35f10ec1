"""Demo API client "demo" with every scope. Its token is derived from SECRET_KEY, so
`flask api-token demo` can print it again in development (only the hash is stored)."""
from app.api import service
from app.models import SCOPES, ApiClient

DEMO_CLIENT = "demo"


def seed(created):
    token = service.derived_token(DEMO_CLIENT)
    client = ApiClient.get_or_none(ApiClient.name == DEMO_CLIENT)
    if client is None:
        ApiClient.create(name=DEMO_CLIENT, token_hash=service.token_hash(token), token_hint=token[:8],
                         scopes=" ".join(SCOPES))
        created.append("api_client")
    elif client.scopes != " ".join(SCOPES) and client.revoked_at is None:
        # a database seeded before visits:write and cases:read existed: the demo client gets every scope
        ApiClient.update(scopes=" ".join(SCOPES)).where(ApiClient.id == client.id).execute()
