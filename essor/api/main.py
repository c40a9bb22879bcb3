"""The JSON API (OpenAPI 3.1), mounted under /api/v1/. One module per resource.

Every operation needs authentication (a bearer token or the browser session) and reads
through the same scoped selectors as the pages.
"""

from ninja import NinjaAPI

from . import actionplans, diagnostics, experts, funding, me, territories
from .auth import AUTH

api = NinjaAPI(
    title="essor API",
    version="1",
    description="Industrie du Futur programme platform. Authenticate with `Authorization: Bearer <token>`; "
    "create tokens on your account page.",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("", me.router)
api.add_router("", territories.router)
api.add_router("", funding.router)
api.add_router("", experts.router)
api.add_router("", diagnostics.router)
api.add_router("", actionplans.router)
