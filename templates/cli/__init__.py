"""The command line, `python -m <package>`: the runtime that runs it (`_main`) and its table of commands
(`_commands`, generated from the spec). Private to the package."""
