"""``python -m pypolicy.format.generate``: regenerate the format's artefacts."""

import sys

from pypolicy.format.generate.main import main

sys.exit(main())
