"""The web app: FastAPI routes, Jinja2 templates (page or htmx fragment), vendored htmx.

Build it with :func:`mixtape.web.app.create_app`; nothing is created at import time.
"""
