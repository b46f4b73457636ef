"""``python -m greenplan`` is the command line."""

from greenplan.cli.main import main

raise SystemExit(main())
