"""The command line the NumPy checkers of tests/Conversion share."""
import sys


def gen_or_check(generate, check, doc):
    """`gen` writes the inputs, `check` compares modelc's outputs with the
    references (exit 1 on a mismatch); anything else prints `doc`, exit 2."""
    if len(sys.argv) == 2 and sys.argv[1] == "gen":
        generate()
        sys.exit(0)
    if len(sys.argv) == 2 and sys.argv[1] == "check":
        sys.exit(check())
    sys.stderr.write(doc)
    sys.exit(2)
