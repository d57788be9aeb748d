"""The interactive API page at ``/__docs__``, served entirely by the app itself.

vetiver 0.2.6 loaded RapiDoc from a public CDN, so its docs were blank without internet. We
vendor Swagger UI (npm ``swagger-ui-dist``, Apache-2.0, licence and notice kept next to the files
in ``static/swagger-ui``) rather than depending on a PyPI wrapper: no extra runtime dependency,
one pinned copy we can test, and it renders into the ordinary DOM (RapiDoc renders into a shadow
root), which a headless browser test can read. Swagger UI's online validator badge is turned off
so the page makes no outside requests.
"""

from __future__ import annotations

import html
from importlib import resources

from starlette.staticfiles import StaticFiles

SWAGGER_UI_VERSION = "5.35.0"
STATIC_PREFIX = "/__docs__/static"


def static_files() -> StaticFiles:
    """The vendored Swagger UI assets, for mounting at :data:`STATIC_PREFIX`."""
    return StaticFiles(directory=str(resources.files("vetiver.serving") / "static" / "swagger-ui"))


def page(title: str) -> str:
    """The docs page. URLs are relative, so it also works behind a proxy that adds a path prefix."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="icon" type="image/png" href="__docs__/static/favicon-32x32.png">
<link rel="stylesheet" href="__docs__/static/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="__docs__/static/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{
  url: "openapi.json",
  dom_id: "#swagger-ui",
  validatorUrl: null,
  deepLinking: true,
  tryItOutEnabled: true,
  displayRequestDuration: true
}});
</script>
</body>
</html>
"""
