import sys

from dhcpanalyze.cli import main

sys.exit(main())
