"""The machine's ceiling: a bare Flask page, served by gunicorn exactly as Velai is."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello"
