"""`python -m generator`: the command line of generator/cli.py, its exit code the process's."""

import sys

from .cli import main

sys.exit(main())
