"""`python -m curator` runs the command line."""

from curator.cli.main import main

main()
