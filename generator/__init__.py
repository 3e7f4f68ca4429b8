"""OpenAPI 3.x to typed Python client generator: load -> resolve -> lower -> render -> format -> write.

`pipeline.py` runs the stages; `python -m generator build` is the way in (`cli.py`).
"""

__version__ = "0.1.0"
