"""The baseline of `make bench`: the smallest Flask app, served by gunicorn with our own settings.

    gunicorn -c gunicorn.conf.py --pythonpath scripts bench_hello:app
"""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
