"""`python -m opsverify` is the `opsverify` command."""

import sys

from .cli import main

sys.exit(main())
