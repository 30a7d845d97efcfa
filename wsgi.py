"""Entry point for gunicorn (`gunicorn wsgi:app`) and the flask command."""

from cdop_scr import create_app

app = create_app()
