"""python -m logistics."""

from logistics.cli import main

main()
