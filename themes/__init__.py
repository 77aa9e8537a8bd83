"""Built-in themes, shipped inside the sitegen package as ``sitegen.themes``.

Each theme is a folder with ``templates/`` (Jinja2) and ``static/`` (CSS, JS,
icons). This file only makes the folder importable as package data.
"""
