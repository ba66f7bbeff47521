"""The command line: thin commands over the library. The only place that prints or exits."""
