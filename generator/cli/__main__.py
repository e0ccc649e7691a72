"""`python -m generator.cli`: what the tests and benchmarks run, as `phasebook` would."""

from generator.cli import main

main()
