"""`python -m stackgen`: the same CLI as the `stackgen` script."""

from stackgen.cli.script import main

main()
