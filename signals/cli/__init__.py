"""The command line: parses, calls the core, renders, and maps errors to exit codes."""
