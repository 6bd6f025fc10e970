"""HTML (Python): fill an HTML template (an order page) with jinja2, autoescaping the values.

Input: {"title", "user": {"name", "email"}, "items": [{"name", "qty", "price"}, ...]} (generated
from the seed). Output: {"html", "bytes"}. The template is loaded and compiled once per worker.
"""
import os
import random

import jinja2

from isawatt_input import field

HERE = os.path.dirname(os.path.abspath(__file__))
ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE), autoescape=True, undefined=jinja2.StrictUndefined)
TEMPLATE = ENV.get_template("page.html.j2")
WORDS = ["red", "green", "blue", "small", "large", "steel", "wooden", "lamp", "chair", "table", "cable", "kettle", "mug", "book"]


def make_input(seed):
    rng = random.Random(seed)
    items = [
        {"name": " ".join(rng.sample(WORDS, 3)), "qty": rng.randrange(1, 10), "price": round(rng.uniform(1, 200), 2)}
        for _ in range(50)
    ]
    return {
        "title": "Order #%d" % rng.randrange(100000, 999999),
        "user": {"name": "User %d" % rng.randrange(10000), "email": "user%d@example.org" % rng.randrange(10000)},
        "items": items,
    }


def handler(event):
    items = field(event, "items", list, "an array of {name, qty, price}")
    user = field(event, "user", dict, "an object {name, email}")
    title = field(event, "title", str, "a string")
    total = sum(item["qty"] * item["price"] for item in items)
    html = TEMPLATE.render(title=title, user=user, items=items, total=total)
    return {"html": html, "bytes": len(html.encode("utf-8"))}
