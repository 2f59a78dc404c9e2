"""The officers' web app: a Jinja2 + htmx client of the giamngheo REST API.

It talks to the API only over HTTP (see ``web.client``); nothing here imports ``api``.
"""
