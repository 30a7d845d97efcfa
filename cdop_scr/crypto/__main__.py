"""`python -m cdop_scr.crypto init`: create the development keys file if absent."""

from .keys import main

raise SystemExit(main())
