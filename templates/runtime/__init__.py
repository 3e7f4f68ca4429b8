"""The client's runtime: one module per concern, private to the package. What users import from it is
re-exported by the package's public modules (`types`, `pagination`, `streaming`) and its `__init__`."""
