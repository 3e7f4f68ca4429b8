"""Property-based fuzzing of the generator (issue 5); the tests live in tests/test_fuzz.py.

- `text`: hostile text (docstrings, templates, control characters) and awkward names.
- `specs`: random but valid OpenAPI 3.0/3.1 documents.
- `mutations`: random breakage of the real specs (spec/ and the platform spec).
- `harness`: one build in-process and every check of its outcome; batched `mypy --strict`.
"""
