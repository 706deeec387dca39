import sys

from pypolicy.cli import main

sys.exit(main())
