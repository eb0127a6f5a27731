import sys

from dubstudio.cli.main import main

sys.exit(main())
