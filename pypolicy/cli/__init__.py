"""The command line: argv -> objects -> run -> exit code. Wiring only."""
