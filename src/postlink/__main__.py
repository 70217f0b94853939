"""`python -m postlink`: the same as the `postlink` command."""

from postlink.cli import main

main()
