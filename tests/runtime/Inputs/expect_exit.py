"""Runs a command and succeeds iff it exits with the given code.

usage: expect_exit.py CODE COMMAND [ARGS...]

The command's stdout and stderr pass through. A crash (signal) never
matches, so this also checks that bad input does not crash.
"""
import subprocess
import sys

code = int(sys.argv[1])
proc = subprocess.run(sys.argv[2:])
if proc.returncode != code:
    sys.stdout.flush()
    sys.stderr.write("expect_exit.py: expected exit code %d, got %d\n"
                     % (code, proc.returncode))
    sys.exit(1)
