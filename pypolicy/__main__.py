"""`python -m pypolicy`: the command line."""

import sys

from pypolicy.cli.main import main

sys.exit(main())
