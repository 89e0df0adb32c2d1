"""The one NinjaAPI instance: authentication, problem errors, every app's router."""

from ninja import NinjaAPI

from cchc.accounts.auth import session_auth, token_auth
from cchc.api import errors
from cchc.organizations.api import router as units_router

api = NinjaAPI(
    title="CCHC API",
    version="1",
    description="API của nền tảng quản lý cải cách hành chính (CCHC).",
    auth=[token_auth, session_auth],
    urls_namespace="api",
    docs_url="/docs",
)
errors.install(api)
api.add_router("/", units_router)
