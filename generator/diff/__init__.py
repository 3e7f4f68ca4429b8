"""`python -m generator diff`: what a regeneration changes in the generated Python surface, and whether
it breaks callers. surface.py extracts the surface from the IR (locations.py finds each part in the
spec), types.py relates two annotations, compare.py lists the changes, report.py renders them,
revision.py reads a spec at a git revision and command.py runs it all.

Nothing is imported here, so the command line loads the comparison only when it runs it.
"""

from __future__ import annotations

FORMATS = ("text", "markdown", "json")
